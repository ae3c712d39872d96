using System.Diagnostics;
using System.Globalization;

namespace Appliance.Ipmi.Tests;

/// <summary>
/// OpenIPMI's ipmi_sim (Debian package openipmi) on loopback: one LAN channel, one admin user, and
/// a chassis control script that keeps the power state in a file and logs every request. It binds a
/// free port itself (addr 127.0.0.1 0), found through its socket in /proc, so no other test can take
/// the port between a choice and its use.
/// </summary>
public sealed class IpmiSim : IDisposable
{
    public const string User = "simadmin";
    public const string Password = "simpass1";

    private readonly Process _process;

    private IpmiSim(string directory, int port, Process process)
    {
        Directory = directory;
        Port = port;
        _process = process;
    }

    public string Directory { get; }

    public int Port { get; }

    public string ChassisLog => File.Exists(Path.Combine(Directory, "chassis.log")) ? File.ReadAllText(Path.Combine(Directory, "chassis.log")) : "";

    public static IpmiSim Start()
    {
        string dir = System.IO.Directory.CreateTempSubdirectory("ipmi-sim-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(dir, "state"));
        string script = Path.Combine(dir, "chassis.sh");
        File.WriteAllText(script, """
            #!/bin/sh
            dir=$(dirname "$0")
            echo "$@" >> "$dir/chassis.log"
            case "$1" in
              get) shift; for p in "$@"; do [ "$p" = power ] && echo "power:$(cat "$dir/power" 2>/dev/null || echo 0)"; done ;;
              set) shift; while [ $# -gt 1 ]; do [ "$1" = power ] && echo "$2" > "$dir/power"; shift 2; done ;;
            esac
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        File.WriteAllText(Path.Combine(dir, "lan.conf"), $"""
            name "interop"
            set_working_mc 0x20
              chassis_control "{script}"
              startlan 1
                addr 127.0.0.1 0
                priv_limit admin
                allowed_auths_callback md5
                allowed_auths_user md5
                allowed_auths_operator md5
                allowed_auths_admin md5
                guid a123456789abcdefa123456789abcdef
              endlan
              user 2 true "{User}" "{Password}" admin 10 md5
            """);
        File.WriteAllText(Path.Combine(dir, "cmds.emu"), """
            mc_setbmc 0x20
            mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
            mc_enable 0x20
            """);
        var psi = new ProcessStartInfo("ipmi_sim")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (var a in new[] { "-c", Path.Combine(dir, "lan.conf"), "-f", Path.Combine(dir, "cmds.emu"), "-s", Path.Combine(dir, "state"), "-n" })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start ipmi_sim");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var waited = Stopwatch.StartNew();
        int? port;
        while ((port = BoundUdpPort(process.Id)) is null)
        {
            if (process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                using var failed = new IpmiSim(dir, 0, process);
                throw new InvalidOperationException($"ipmi_sim did not bind its LAN port ({(process.HasExited ? $"exit {process.ExitCode}" : "still running")})");
            }

            Thread.Sleep(20);
        }

        return new IpmiSim(dir, port.Value, process);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(30)); // SIGKILL: nothing more to wait for if it is stuck in the kernel
        }

        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>The UDP port a process has bound on 127.0.0.1: its sockets (/proc/PID/fd) found in its /proc/PID/net/udp.</summary>
    private static int? BoundUdpPort(int pid)
    {
        try
        {
            var sockets = new HashSet<string>();
            foreach (string fd in System.IO.Directory.EnumerateFiles($"/proc/{pid}/fd"))
            {
                if (new FileInfo(fd).LinkTarget is string target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    sockets.Add(target["socket:[".Length..^1]);
                }
            }

            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            foreach (string line in File.ReadLines($"/proc/{pid}/net/udp").Skip(1))
            {
                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && sockets.Contains(fields[9]) && fields[1].StartsWith("0100007F:", StringComparison.Ordinal))
                {
                    return int.Parse(fields[1]["0100007F:".Length..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process is gone or has not opened its socket yet.
        }

        return null;
    }
}
