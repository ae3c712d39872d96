using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Ipmi;

/// <summary>Handles one IPMI command. Must not keep <see cref="IpmiRequest.Data"/> past its completion.</summary>
public delegate ValueTask<IpmiResponse> IpmiCommandHandler(IpmiRequest request, IpmiCallContext context, CancellationToken ct);

/// <summary>
/// Maps (NetFn, command) to a handler and the privilege it needs. Register everything before the
/// server starts; lookups are lock-free array reads.
/// </summary>
public sealed partial class IpmiCommandTable
{
    private readonly Entry?[] _entries = new Entry?[32 * 256];
    private readonly ILogger _logger;

    /// <summary>Creates an empty table; <paramref name="logger"/> receives handler failures.</summary>
    public IpmiCommandTable(ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Number of handler exceptions turned into FFh responses so far.</summary>
    public long HandlerFailures => Interlocked.Read(ref _handlerFailures);

    private long _handlerFailures;

    /// <summary>Registers (or replaces) the handler of a command.</summary>
    public void Register(NetFn netFn, byte command, PrivilegeLevel required, IpmiCommandHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (((byte)netFn & 1) != 0 || (byte)netFn > 0x3E)
        {
            throw new ArgumentOutOfRangeException(nameof(netFn), netFn, "a request NetFn is even and at most 3Eh");
        }

        if (required is < PrivilegeLevel.Callback or > PrivilegeLevel.Oem)
        {
            throw new ArgumentOutOfRangeException(nameof(required), required, "privilege must be Callback..Oem");
        }

        _entries[Index(netFn, command)] = new Entry(required, handler);
    }

    /// <summary>Every registered command with the privilege it needs: the privilege map as declared.</summary>
    public IEnumerable<(NetFn NetFn, byte Command, PrivilegeLevel Required)> Declared
    {
        get
        {
            for (int i = 0; i < _entries.Length; i++)
            {
                if (_entries[i] is Entry entry)
                {
                    yield return ((NetFn)((i / 256) << 1), (byte)(i % 256), entry.Required);
                }
            }
        }
    }

    /// <summary>True when a handler is registered for the command.</summary>
    public bool Contains(NetFn netFn, byte command) => _entries[Index(netFn, command)] is not null;

    /// <summary>
    /// Runs a request through the table: C1h when unknown, D4h when the session's privilege is too
    /// low, FFh (logged) when the handler throws; otherwise the handler's response.
    /// </summary>
    public ValueTask<IpmiResponse> DispatchAsync(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if ((byte)request.NetFn > 0x3E)
        {
            return new(IpmiResponse.Error(CompletionCode.InvalidCommand));
        }

        Entry? entry = _entries[Index(request.NetFn, request.Command)];
        if (entry is null)
        {
            return new(IpmiResponse.Error(CompletionCode.InvalidCommand));
        }

        if (context.Privilege < entry.Required)
        {
            return new(IpmiResponse.Error(CompletionCode.InsufficientPrivilege));
        }

        ValueTask<IpmiResponse> pending;
        try
        {
            pending = entry.Handler(request, context, ct);
        }
        catch (Exception ex)
        {
            return new(Failed(request, ex));
        }

        if (pending.IsCompletedSuccessfully)
        {
            return pending;
        }

        return AwaitHandler(pending, request);
    }

    private async ValueTask<IpmiResponse> AwaitHandler(ValueTask<IpmiResponse> pending, IpmiRequest request)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return Failed(request, ex);
        }
    }

    private IpmiResponse Failed(IpmiRequest request, Exception ex)
    {
        Interlocked.Increment(ref _handlerFailures);
        LogHandlerFailed(_logger, ex, request.NetFn, request.Command);
        return IpmiResponse.Error(CompletionCode.Unspecified);
    }

    private static int Index(NetFn netFn, byte command) => (((byte)netFn >> 1) & 0x3F) * 256 + command;

    [LoggerMessage(Level = LogLevel.Error, Message = "IPMI handler for NetFn {NetFn} command {Command:X2}h failed; answered FFh")]
    private static partial void LogHandlerFailed(ILogger logger, Exception ex, NetFn netFn, byte command);

    private sealed record Entry(PrivilegeLevel Required, IpmiCommandHandler Handler);
}
