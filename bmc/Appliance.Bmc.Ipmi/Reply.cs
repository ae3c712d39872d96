using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi;

/// <summary>Short ways for handlers to answer, synchronously or from the thread pool.</summary>
internal static class Reply
{
    public static ValueTask<IpmiResponse> Ok() => new(IpmiResponse.Ok());

    public static ValueTask<IpmiResponse> Ok(byte[] data) => new(IpmiResponse.Ok(data));

    public static ValueTask<IpmiResponse> Ok(ReadOnlySpan<byte> data) => new(IpmiResponse.Ok(data));

    public static ValueTask<IpmiResponse> Error(byte completionCode) => new(IpmiResponse.Error(completionCode));

    /// <summary>C7h: the request is shorter or longer than the command allows.</summary>
    public static ValueTask<IpmiResponse> BadLength() => Error(CompletionCode.RequestDataLengthInvalid);

    /// <summary>CCh: a field of the request holds a value the command does not accept.</summary>
    public static ValueTask<IpmiResponse> BadField() => Error(CompletionCode.InvalidDataFieldInRequest);

    /// <summary>
    /// Runs work that waits on the disk or the board (SQLite with full sync, I2C) on the thread pool,
    /// so the receive loop keeps answering other sessions meanwhile. The request data stays valid
    /// until the returned task completes.
    /// </summary>
    public static ValueTask<IpmiResponse> Offload(Func<IpmiResponse> work) => new(Task.Run(work));
}
