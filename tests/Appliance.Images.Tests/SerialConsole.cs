using System.Net.Sockets;
using System.Text;

namespace Appliance.Images.Tests;

/// <summary>A person at the machine's serial console: logs in and types commands.</summary>
public sealed class SerialConsole : IDisposable
{
    private readonly Socket _socket;
    private readonly StringBuilder _seen = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    private SerialConsole(Socket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadAsync);
    }

    public static async Task<SerialConsole> ConnectAsync(string socketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        return new SerialConsole(socket);
    }

    /// <summary>Logs in as root (the build's console password), then waits for a shell prompt.</summary>
    public async Task LoginAsync(string password, TimeSpan limit)
    {
        DateTime end = DateTime.UtcNow + limit;
        while (!Seen.Contains("login:", StringComparison.Ordinal))
        {
            await TypeAsync("\r");
            await WaitAsync("login:", TimeSpan.FromSeconds(10), end);
        }

        Clear();
        await TypeAsync("root\r");
        await WaitAsync("Password:", limit, end);
        await TypeAsync(password + "\r");
        await WaitAsync("# ", limit, end);
    }

    /// <summary>Types a command and waits for the marker it prints when done; returns what it printed.</summary>
    public async Task<string> RunAsync(string command, TimeSpan limit)
    {
        string marker = "done-" + Guid.NewGuid().ToString("N")[..8];
        Clear();
        await TypeAsync($"{command}; echo {marker[..5]}\"{marker[5..]}\"\r");
        await WaitAsync(marker, limit, DateTime.UtcNow + limit);
        return Seen;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _reader.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private string Seen
    {
        get
        {
            lock (_seen)
            {
                return _seen.ToString();
            }
        }
    }

    private void Clear()
    {
        lock (_seen)
        {
            _seen.Clear();
        }
    }

    private async Task TypeAsync(string text) => await _socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);

    private async Task WaitAsync(string text, TimeSpan step, DateTime end)
    {
        DateTime until = DateTime.UtcNow + step < end ? DateTime.UtcNow + step : end;
        while (!Seen.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > until)
            {
                if (DateTime.UtcNow > end)
                {
                    throw new TimeoutException($"the serial console did not show '{text}'; it showed:\n{Seen}");
                }

                return;
            }

            await Task.Delay(200);
        }
    }

    private async Task ReadAsync()
    {
        byte[] buffer = new byte[4096];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int n = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    return;
                }

                lock (_seen)
                {
                    _seen.Append(Encoding.UTF8.GetString(buffer, 0, n));
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
