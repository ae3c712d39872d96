namespace Appliance.Libvirt.Rpc;

/// <summary>A call waiting for the reply with its serial; the connection's reader completes it.</summary>
internal sealed class PendingCall
{
    private readonly ManualResetEventSlim _done = new();
    private MessageStatus _status;
    private byte[] _packet = [];
    private ConnectionFailure? _failure;

    public void Complete(MessageStatus status, byte[] packet)
    {
        _status = status;
        _packet = packet;
        _done.Set();
    }

    public void Fail(ConnectionFailure failure)
    {
        _failure = failure;
        _done.Set();
    }

    /// <summary>Blocks until the reply arrives or the connection fails: there is no time limit, as in libvirt
    /// (a migration call lasts as long as the migration), but a dead daemon fails the call through keepalive.</summary>
    public T Wait<T>(Func<XdrReader, T> readReply, string operation)
    {
        _done.Wait();
        _done.Dispose();
        if (_failure is { } failure) throw failure.For(operation);
        var body = new XdrReader(_packet, PacketHeader.Size - 4, _packet.Length - (PacketHeader.Size - 4));
        if (_status == MessageStatus.Error) throw RemoteError.Read(body, operation);
        return readReply(body);
    }
}

/// <summary>Why a connection ended, reported for every call it fails as libvirt's client words it.</summary>
internal sealed record ConnectionFailure(LibvirtErrorCode Code, int Domain, string Message)
{
    public LibvirtException For(string operation) => new(operation, Code, Domain, Message);

    public static readonly ConnectionFailure SocketClosed =
        new(LibvirtErrorCode.InternalError, ErrorDomains.Rpc, "internal error: client socket is closed");
}
