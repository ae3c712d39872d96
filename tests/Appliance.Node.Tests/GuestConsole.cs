using System.Text;
using System.Text.RegularExpressions;
using Appliance.Libvirt;

namespace Appliance.Node.Tests;

/// <summary>
/// Types commands into a guest's serial console through libvirt's console stream (what virsh console
/// uses) and reads their output. Each command's output is fenced by markers the shell has to
/// evaluate, so the terminal's echo of the typed line never counts as output.
/// </summary>
internal sealed partial class GuestConsole : IDisposable
{
    private readonly LibvirtConnection _connection;
    private readonly Domain _domain;
    private readonly LibvirtStream _stream;
    private readonly StringBuilder _output = new();
    private readonly Thread _reader;
    private int _sequence;

    public GuestConsole(string libvirtUri, string vm)
    {
        _connection = LibvirtConnection.Open(libvirtUri);
        _domain = _connection.LookupDomain(vm);
        _stream = _connection.NewStream();
        _domain.OpenConsole(_stream, force: true);
        _reader = new Thread(Read) { IsBackground = true, Name = $"console-{vm}" };
        _reader.Start();
    }

    private void Read()
    {
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = _stream.Receive(buffer)) > 0)
                lock (_output) _output.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        catch (LibvirtException)
        {
            // The stream ends when the console is closed or the guest stops.
        }
    }

    /// <summary>Runs a shell command in the guest and returns its output lines (counter ticks removed).</summary>
    public string Run(string command)
    {
        int id = Interlocked.Increment(ref _sequence);
        string begin = $"@@B{id}@@", end = $"@@E{id}@@";
        int start;
        lock (_output) start = _output.Length;
        // "@@B" "1@@" typed separately: only the shell's evaluation prints the joined marker.
        _stream.Send(Encoding.UTF8.GetBytes($"echo '@@B''{id}@@'; {command}; echo \"@@E\"'{id}@@'\n"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            string text;
            lock (_output) text = _output.ToString(start, _output.Length - start);
            int b = text.IndexOf(begin + "\r\n", StringComparison.Ordinal);
            if (b < 0) b = text.IndexOf(begin + "\n", StringComparison.Ordinal);
            int e = b < 0 ? -1 : text.IndexOf(end, b, StringComparison.Ordinal);
            if (e >= 0)
            {
                string body = text[(b + begin.Length)..e];
                return string.Join("\n", body.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !Tick().IsMatch(l)));
            }
            Thread.Sleep(50);
        }
        string all;
        lock (_output) all = _output.ToString(start, _output.Length - start);
        throw new TimeoutException($"the guest did not finish '{command}'; console showed:\n{all}");
    }

    public void Dispose()
    {
        _stream.Abort();
        _reader.Join(TimeSpan.FromSeconds(5));
        _stream.Dispose();
        _domain.Dispose();
        _connection.Dispose();
    }

    [GeneratedRegex(@"^guest: counter \d+$")]
    private static partial Regex Tick();
}
