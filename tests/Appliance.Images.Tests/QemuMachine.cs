using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Appliance.Images.Tests;

/// <summary>
/// A QEMU virtual machine under TCG with user-mode networking: forwarded ports on 127.0.0.1, its
/// serial console on a Unix socket (and logged to a file), optionally a guest address whose TCP
/// connections QEMU hands to a command on this machine (guestfwd). Killed and removed on dispose.
/// </summary>
public sealed class QemuMachine : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private QemuMachine(Process process, string directory)
    {
        _process = process;
        Directory = directory;
        _process.ErrorDataReceived += (_, e) => { lock (_stderr) { _stderr.AppendLine(e.Data); } };
        _process.OutputDataReceived += (_, e) => { lock (_stderr) { _stderr.AppendLine(e.Data); } };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public string Directory { get; }
    public string SerialLog => Path.Combine(Directory, "serial.log");
    public string SerialSocket => Path.Combine(Directory, "serial.sock");

    public bool HasExited => _process.HasExited;

    /// <summary>What the serial console printed so far (for failure messages and boot counting).</summary>
    public string Serial => File.Exists(SerialLog) ? Encoding.UTF8.GetString(ReadShared(SerialLog)) : "";

    public string Diagnostics
    {
        get
        {
            string serial = Serial;
            lock (_stderr)
            {
                return $"qemu: {_stderr}\nserial console (last 6000 characters):\n{serial[Math.Max(0, serial.Length - 6000)..]}";
            }
        }
    }

    /// <param name="disk">A disk image; the machine writes to it.</param>
    /// <param name="forwards">"tcp:HOSTPORT-:GUESTPORT" / "udp:..." forwards on 127.0.0.1.</param>
    /// <param name="guestForward">"tcp:ADDR:PORT-cmd:COMMAND" guest forwards.</param>
    public static QemuMachine Start(string directory, string disk, string diskFormat, int memoryMiB, IEnumerable<(string Protocol, int HostPort, int GuestPort)> forwards,
        string? guestForward = null, bool watchdog = false, IEnumerable<string>? extra = null)
    {
        var net = new StringBuilder("user,id=n0");
        foreach ((string protocol, int host, int guest) in forwards)
        {
            net.Append($",hostfwd={protocol}:127.0.0.1:{host}-:{guest}");
        }

        if (guestForward is not null)
        {
            net.Append(",guestfwd=").Append(guestForward);
        }

        var start = new ProcessStartInfo("qemu-system-x86_64") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        string serial = Path.Combine(directory, "serial.sock");
        string[] args =
        [
            "-machine", "pc,accel=tcg", "-cpu", "max", "-m", memoryMiB.ToString(System.Globalization.CultureInfo.InvariantCulture), "-smp", "1",
            "-nodefaults", "-no-user-config", "-display", "none",
            "-drive", $"file={disk},format={diskFormat},if=virtio,cache=unsafe",
            "-netdev", net.ToString(), "-device", "virtio-net-pci,netdev=n0",
            "-chardev", $"socket,id=console,path={serial},server=on,wait=off,logfile={Path.Combine(directory, "serial.log")}",
            "-serial", "chardev:console",
        ];
        foreach (string arg in args.Concat(watchdog ? ["-device", "i6300esb", "-action", "watchdog=reset"] : []).Concat(extra ?? []))
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start qemu-system-x86_64");
        return new QemuMachine(process, directory);
    }

    /// <summary>How many times the machine has started a kernel so far, by the serial console.</summary>
    public int KernelStarts => CountOf(Serial, "Linux version ");

    public static int CountOf(string text, string what)
    {
        int count = 0;
        for (int at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    public static int FreePort(ProtocolType protocol = ProtocolType.Tcp)
    {
        if (protocol == ProtocolType.Udp)
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        }

        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private static byte[] ReadShared(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var copy = new MemoryStream();
        file.CopyTo(copy);
        return copy.ToArray();
    }
}
