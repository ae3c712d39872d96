using System.Diagnostics;
using System.Text;

namespace Appliance.Hw.Tests;

/// <summary>
/// The host's serial console on a real board's UART, over a linked pair of pseudo-terminals (socat):
/// the port opens a tty device in raw mode, and bytes cross it both ways unchanged.
/// </summary>
public sealed class UartHostSerialPortTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uart-").FullName;
    private Process _socat = null!;

    private string BmcEnd => Path.Combine(_dir, "bmc");
    private string HostEnd => Path.Combine(_dir, "host");

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("socat") { UseShellExecute = false, RedirectStandardError = true };
        foreach (string a in new[] { $"pty,raw,echo=0,link={BmcEnd}", $"pty,raw,echo=0,link={HostEnd}" })
        {
            start.ArgumentList.Add(a);
        }

        _socat = Process.Start(start)!;
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(BmcEnd) || !File.Exists(HostEnd))
        {
            Assert.True(DateTime.UtcNow < deadline, "socat made no pseudo-terminals");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        _socat.Kill();
        await _socat.WaitForExitAsync();
        _socat.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Bytes_cross_the_uart_both_ways_unchanged()
    {
        var received = new StringBuilder();
        using var port = new UartHostSerialPort(BmcEnd, 115200);
        port.Open(data =>
        {
            lock (received)
            {
                received.Append(Encoding.ASCII.GetString(data.Span));
            }
        });

        await using var host = new FileStream(HostEnd, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        host.Write("login: \r\n"u8);
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            lock (received)
            {
                if (received.ToString() == "login: \r\n")
                {
                    break;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"the BMC's end got \"{received}\"");
            await Task.Delay(20);
        }

        // Raw mode: a carriage return reaches the host as typed, not turned into a newline.
        port.Write("root\r"u8);
        byte[] typed = new byte[5];
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.ReadExactlyAsync(typed, wait.Token);
        Assert.Equal("root\r"u8.ToArray(), typed);
    }

    [Fact]
    public void A_device_that_is_not_a_tty_is_refused()
    {
        using var port = new UartHostSerialPort("/dev/null", 115200);
        Assert.Throws<IOException>(() => port.Open(_ => { }));
    }
}
