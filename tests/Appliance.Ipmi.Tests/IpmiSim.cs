using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Ipmi.Tests;

/// <summary>
/// OpenIPMI's ipmi_sim (Debian package openipmi) on loopback: one LAN channel, one admin user, and
/// a chassis control script that keeps the power state in a file and logs every request.
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
        int port = FreeUdpPort();
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
                addr 127.0.0.1 {port}
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
        return new IpmiSim(dir, port, process);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
