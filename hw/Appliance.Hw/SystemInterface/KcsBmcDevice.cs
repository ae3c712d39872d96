using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace Appliance.Hw.SystemInterface;

/// <summary>
/// The BMC side of a KCS interface through Linux's kcs_bmc character device (<c>/dev/ipmi-kcs3</c>
/// on an AST2600, driver kcs_bmc_cdev_ipmi), the way OpenBMC's kcsbridged uses it: one read()
/// returns one whole request from the host, one write() sends the whole response. KCS carries one
/// transaction at a time, so the driver hands over the next request only after the response.
/// </summary>
public sealed class KcsBmcDevice : ISystemInterfaceDevice
{
    /// <summary>The longest message the driver passes either way (KCS_MSG_BUFSIZ in kcs_bmc_cdev_ipmi.c).</summary>
    public const int MaxMessage = 1000;

    private static readonly TimeSpan Reopen = TimeSpan.FromSeconds(1);

    private readonly string _path;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _lock = new();
    private int _fd = -1;
    private long _attachment;
    private string? _state;

    public KcsBmcDevice(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
    }

    public string Description => _path;

    public event Action<bool, string>? StateChanged;

    public async ValueTask<SystemInterfaceRequest> ReceiveAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _disposed.Token);
        while (true)
        {
            linked.Token.ThrowIfCancellationRequested();
            int fd;
            long attachment;
            try
            {
                (fd, attachment) = Open();
            }
            catch (IOException e)
            {
                Report(false, e.Message);
                await Task.Delay(Reopen, linked.Token).ConfigureAwait(false);
                continue;
            }

            Report(true, "open");
            byte[]? message = await Task.Run(() => Read(fd, linked.Token), linked.Token).ConfigureAwait(false);
            if (message is not null)
            {
                return new SystemInterfaceRequest(message, 0, attachment);
            }

            // The device failed: close it and open it again.
            Close(fd);
            await Task.Delay(Reopen, linked.Token).ConfigureAwait(false);
        }
    }

    public ValueTask RespondAsync(SystemInterfaceRequest request, ReadOnlyMemory<byte> response, CancellationToken ct)
    {
        int fd;
        lock (_lock)
        {
            if (_fd < 0 || request.Attachment != _attachment)
            {
                return ValueTask.CompletedTask;
            }

            fd = _fd;
        }

        Write(fd, response.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _disposed.Cancel();
        lock (_lock)
        {
            if (_fd >= 0)
            {
                LibC.close(_fd);
                _fd = -1;
            }
        }

        return ValueTask.CompletedTask;
    }

    private unsafe (int Fd, long Attachment) Open()
    {
        lock (_lock)
        {
            if (_fd >= 0)
            {
                return (_fd, _attachment);
            }

            byte[] path = Encoding.UTF8.GetBytes(_path + "\0");
            fixed (byte* p = path)
            {
                int fd = LibC.open(p, LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC, default);
                if (fd < 0)
                {
                    throw new IOException($"cannot open the KCS device {_path}: {Error(LibC.errno)}");
                }

                _fd = fd;
                return (fd, ++_attachment);
            }
        }
    }

    private void Close(int fd)
    {
        lock (_lock)
        {
            if (_fd == fd)
            {
                LibC.close(fd);
                _fd = -1;
            }
        }
    }

    /// <summary>Waits (in short polls, so cancellation is seen) for one request; null when the device failed.</summary>
    private unsafe byte[]? Read(int fd, CancellationToken ct)
    {
        byte* buffer = stackalloc byte[MaxMessage];
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var poll = new pollfd { fd = fd, events = LibC.POLLIN };
            int ready = LibC.poll(&poll, 1, 200);
            if (ready < 0 && LibC.errno != LibC.EINTR)
            {
                Report(false, $"poll on {_path}: {Error(LibC.errno)}");
                return null;
            }

            if (ready <= 0)
            {
                continue;
            }

            ssize_t n = LibC.read(fd, buffer, MaxMessage);
            if (n < 0)
            {
                int errno = LibC.errno;
                if (errno == LibC.EAGAIN || errno == LibC.EINTR)
                {
                    continue;
                }

                Report(false, $"read on {_path}: {Error(errno)}");
                return null;
            }

            if (n < 2)
            {
                continue; // not a request: a request has at least NetFn/LUN and Cmd
            }

            return new ReadOnlySpan<byte>(buffer, (int)n).ToArray();
        }
    }

    private unsafe void Write(int fd, ReadOnlySpan<byte> response)
    {
        fixed (byte* data = response)
        {
            // The driver takes the whole response at once, or refuses it (the host aborted the transaction).
            if (LibC.write(fd, data, response.Length) < 0)
            {
                Report(false, $"write on {_path}: {Error(LibC.errno)}");
            }
        }
    }

    private void Report(bool usable, string reason)
    {
        string state = (usable ? "+" : "-") + reason;
        lock (_lock)
        {
            if (_state == state || (usable && _state?[0] == '+'))
            {
                return;
            }

            _state = state;
        }

        StateChanged?.Invoke(usable, reason);
    }

    private static string Error(int errno) => $"errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})";
}
