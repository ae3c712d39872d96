using System.Runtime.InteropServices;
using System.Text;
using Appliance.Ipmi.Client;
using Tmds.Linux;
using static Appliance.Ipmi.SystemInterface.KernelIpmiAbi;

namespace Appliance.Ipmi.SystemInterface;

/// <summary>
/// The host's system interface through the Linux IPMI driver (<c>/dev/ipmi0</c>, ipmi_si + ipmi_devintf):
/// IPMICTL_SEND_COMMAND to the BMC's system interface address, then poll and
/// IPMICTL_RECEIVE_MSG_TRUNC until the response with the same message ID arrives. One request at a time.
/// </summary>
public sealed class KernelSystemInterface : ISystemInterface
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeSpan _timeout;
    private int _fd = -1;
    private long _nextMsgId;

    /// <summary>Creates the interface; the device is opened on the first request.</summary>
    /// <param name="path">The driver's device, normally <c>/dev/ipmi0</c>.</param>
    /// <param name="timeout">How long one request may take; 5 s when null.</param>
    public KernelSystemInterface(string path = "/dev/ipmi0", TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _timeout = timeout ?? TimeSpan.FromSeconds(5);
    }

    /// <inheritdoc/>
    public string Path { get; }

    /// <inheritdoc/>
    public async Task<IpmiResponse> SendAsync(NetFn netFn, byte lun, byte command, ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        KcsMessage.Request(netFn, lun, command, data.Span); // the same argument checks as every system interface
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // The driver calls block; keep them off the caller's thread.
            return await Task.Run(() => Exchange(netFn, lun, command, data.Span, ct), ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the device.</summary>
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_fd >= 0)
            {
                LibC.close(_fd);
                _fd = -1;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private unsafe IpmiResponse Exchange(NetFn netFn, byte lun, byte command, ReadOnlySpan<byte> data, CancellationToken ct)
    {
        int fd = Open();
        long msgId = Interlocked.Increment(ref _nextMsgId);
        var address = new SystemInterfaceAddr { AddrType = SystemInterfaceAddressType, Channel = BmcChannel, Lun = lun };
        fixed (byte* requestData = data)
        {
            var request = new IpmiReq
            {
                Addr = (byte*)&address,
                AddrLen = (uint)sizeof(SystemInterfaceAddr),
                MsgId = (nint)msgId,
                Msg = new IpmiMsg { NetFn = (byte)netFn, Cmd = command, DataLen = (ushort)data.Length, Data = requestData },
            };
            if (LibC.ioctl(fd, unchecked((int)SendCommand), &request) < 0)
            {
                throw Failure($"IPMICTL_SEND_COMMAND on {Path}");
            }
        }

        var deadline = DateTime.UtcNow + _timeout;
        byte* responseData = stackalloc byte[MaxMessageData];
        SystemInterfaceAddr from;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            int wait = (int)Math.Ceiling((deadline - DateTime.UtcNow).TotalMilliseconds);
            if (wait <= 0)
            {
                throw new IpmiTimeoutException($"no response to NetFn {(byte)netFn:X2}h Cmd {command:X2}h from the BMC through {Path} within {_timeout.TotalSeconds:0.#} s");
            }

            var poll = new pollfd { fd = fd, events = LibC.POLLIN };
            int ready = LibC.poll(&poll, 1, Math.Min(wait, 100)); // short slices so cancellation is noticed
            if (ready < 0 && LibC.errno != LibC.EINTR)
            {
                throw Failure($"poll on {Path}");
            }

            if (ready <= 0)
            {
                continue;
            }

            var received = new IpmiRecv
            {
                Addr = (byte*)&from,
                AddrLen = (uint)sizeof(SystemInterfaceAddr),
                Msg = new IpmiMsg { Data = responseData, DataLen = MaxMessageData },
            };
            if (LibC.ioctl(fd, unchecked((int)ReceiveMessageTruncate), &received) < 0 && LibC.errno != LibC.EMSGSIZE)
            {
                if (LibC.errno is var e && (e == LibC.EAGAIN || e == LibC.EINTR))
                {
                    continue;
                }

                throw Failure($"IPMICTL_RECEIVE_MSG_TRUNC on {Path}");
            }

            if (received.RecvType != ResponseReceiveType || received.MsgId != (nint)msgId)
            {
                continue; // an event or a stale answer: not ours
            }

            if (received.Msg.DataLen < 1)
            {
                throw new IpmiException($"the BMC's response through {Path} has no completion code");
            }

            var message = new byte[2 + received.Msg.DataLen];
            message[0] = (byte)((received.Msg.NetFn << 2) | lun);
            message[1] = received.Msg.Cmd;
            new ReadOnlySpan<byte>(responseData, received.Msg.DataLen).CopyTo(message.AsSpan(2));
            return KcsMessage.Response(message, netFn, lun, command);
        }
    }

    private unsafe int Open()
    {
        if (_fd >= 0)
        {
            return _fd;
        }

        byte[] path = Encoding.UTF8.GetBytes(Path + "\0");
        fixed (byte* p = path)
        {
            int fd = LibC.open(p, LibC.O_RDWR | LibC.O_CLOEXEC, default);
            if (fd < 0)
            {
                throw Failure($"open {Path}");
            }

            _fd = fd;
            return fd;
        }
    }

    private IpmiException Failure(string what)
    {
        int errno = LibC.errno;
        return new IpmiException($"{what} failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})");
    }
}
