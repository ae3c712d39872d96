namespace Appliance.Ipmi.Server;

/// <summary>Counters of what the server's receive loop has seen; read them for diagnostics and tests.</summary>
public sealed class IpmiServerStatistics
{
    internal long DatagramsReceivedCount;
    internal long DatagramsDroppedCount;
    internal long IntegrityFailuresCount;
    internal long ReplaysRejectedCount;
    internal long ResponsesSentCount;
    internal long SessionsOpenedCount;
    internal long SessionsRefusedCount;
    internal long AuthenticationFailuresCount;
    internal long ReceiveLoopFaultsCount;
    internal long SendFailuresCount;
    internal long DuplicateRequestsCount;

    /// <summary>Datagrams read from the socket.</summary>
    public long DatagramsReceived => Interlocked.Read(ref DatagramsReceivedCount);

    /// <summary>Datagrams discarded without an answer (malformed, unknown session, failed checks), as the spec requires.</summary>
    public long DatagramsDropped => Interlocked.Read(ref DatagramsDroppedCount);

    /// <summary>In-session packets whose AuthCode, trailer or encryption did not verify.</summary>
    public long IntegrityFailures => Interlocked.Read(ref IntegrityFailuresCount);

    /// <summary>In-session packets refused by the sequence number window (replays, far out of order).</summary>
    public long ReplaysRejected => Interlocked.Read(ref ReplaysRejectedCount);

    /// <summary>Datagrams sent (responses, pongs, session setup replies).</summary>
    public long ResponsesSent => Interlocked.Read(ref ResponsesSentCount);

    /// <summary>Sessions that completed RAKP and became active.</summary>
    public long SessionsOpened => Interlocked.Read(ref SessionsOpenedCount);

    /// <summary>Open Session Requests refused (bad algorithms, table full, rate limit).</summary>
    public long SessionsRefused => Interlocked.Read(ref SessionsRefusedCount);

    /// <summary>Failed authentications (bad RAKP 3, aborted or abandoned RAKP exchanges).</summary>
    public long AuthenticationFailures => Interlocked.Read(ref AuthenticationFailuresCount);

    /// <summary>Exceptions caught at the top of the receive loop. Anything but 0 is a bug.</summary>
    public long ReceiveLoopFaults => Interlocked.Read(ref ReceiveLoopFaultsCount);

    /// <summary>Retransmitted requests answered from memory (or left to the pending answer) instead of executed again.</summary>
    public long DuplicateRequests => Interlocked.Read(ref DuplicateRequestsCount);

    /// <summary>Sends the OS refused.</summary>
    public long SendFailures => Interlocked.Read(ref SendFailuresCount);
}
