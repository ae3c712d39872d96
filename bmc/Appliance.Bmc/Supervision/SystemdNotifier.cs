using System.Net.Sockets;
using System.Text;

namespace Appliance.Bmc.Supervision;

/// <summary>
/// The sd_notify protocol, spoken directly: one datagram per state change to the Unix socket
/// systemd names in $NOTIFY_SOCKET (a path, or an abstract name written with a leading '@').
/// Without $NOTIFY_SOCKET (not started by systemd) every call does nothing.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endpoint;

    public SystemdNotifier()
        : this(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"), Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID"))
    {
    }

    public SystemdNotifier(string? notifySocket, string? watchdogUsec, string? watchdogPid)
    {
        if (string.IsNullOrEmpty(notifySocket))
        {
            return;
        }

        // An abstract socket name starts with a NUL byte; systemd writes it with '@'.
        _endpoint = new UnixDomainSocketEndPoint(notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        bool forUs = watchdogPid is null || watchdogPid == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (forUs && long.TryParse(watchdogUsec, out long usec) && usec > 0)
        {
            WatchdogInterval = TimeSpan.FromMicroseconds(usec);
        }
    }

    /// <summary>systemd's WatchdogSec= for this service; null when it keeps no watchdog on it.</summary>
    public TimeSpan? WatchdogInterval { get; }

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}");

    public void Watchdog() => Send("WATCHDOG=1");

    public void Stopping() => Send("STOPPING=1");

    public void Status(string status) => Send("STATUS=" + status);

    public void Dispose() => _socket?.Dispose();

    private void Send(string state)
    {
        if (_socket is null)
        {
            return;
        }

        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), _endpoint!);
        }
        catch (SocketException)
        {
            // systemd went away (shutting down); nothing else listens.
        }
    }
}
