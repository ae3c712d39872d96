using System.Net.Sockets;
using System.Text;

namespace Appliance.Node.Systemd;

/// <summary>
/// Tells systemd (a Type=notify unit) when the service is ready and that it is alive, over the
/// datagram socket named by $NOTIFY_SOCKET: READY=1 once the host has started (the API listens),
/// WATCHDOG=1 every half of WatchdogSec= while the process runs, STOPPING=1 when it stops. Outside
/// systemd ($NOTIFY_SOCKET unset) it does nothing.
/// </summary>
public sealed class SystemdNotify : IDisposable
{
    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _endpoint;
    private readonly List<IDisposable> _registrations = [];
    private Timer? _watchdog;

    private SystemdNotify(string notifySocket)
    {
        _endpoint = new UnixDomainSocketEndPoint(notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    /// <summary>Follows the host's lifetime; null when not started by systemd.</summary>
    public static SystemdNotify? Attach(IHostApplicationLifetime lifetime, string status)
    {
        string? socket = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(socket))
        {
            return null;
        }

        var notify = new SystemdNotify(socket);
        TimeSpan? interval = long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out long usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec / 2) : null;
        notify._registrations.Add(lifetime.ApplicationStarted.Register(() =>
        {
            notify.Send($"READY=1\nSTATUS={status}");
            if (interval is TimeSpan every)
            {
                notify._watchdog = new Timer(_ => notify.Send("WATCHDOG=1"), null, TimeSpan.Zero, every);
            }
        }));
        notify._registrations.Add(lifetime.ApplicationStopping.Register(() => notify.Send("STOPPING=1")));
        return notify;
    }

    public void Dispose()
    {
        _watchdog?.Dispose();
        foreach (IDisposable registration in _registrations)
        {
            registration.Dispose();
        }

        _socket.Dispose();
    }

    private void Send(string state)
    {
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), _endpoint);
        }
        catch (SocketException)
        {
            // systemd is shutting down; nobody listens.
        }
    }
}
