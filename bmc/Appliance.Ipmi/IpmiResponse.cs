namespace Appliance.Ipmi;

/// <summary>An IPMI response: completion code plus response data (the bytes after the completion code).</summary>
public readonly struct IpmiResponse
{
    /// <summary>Creates a response.</summary>
    public IpmiResponse(byte completionCode, ReadOnlyMemory<byte> data)
    {
        CompletionCode = completionCode;
        Data = data;
    }

    /// <summary>The completion code (<see cref="Ipmi.CompletionCode"/>).</summary>
    public byte CompletionCode { get; }

    /// <summary>Response data after the completion code.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>True when the completion code is <see cref="Ipmi.CompletionCode.Normal"/>.</summary>
    public bool IsSuccess => CompletionCode == Ipmi.CompletionCode.Normal;

    /// <summary>A successful response with no data.</summary>
    public static IpmiResponse Ok() => default;

    /// <summary>A successful response; the data is copied.</summary>
    public static IpmiResponse Ok(ReadOnlySpan<byte> data) => new(Ipmi.CompletionCode.Normal, data.ToArray());

    /// <summary>A successful response that keeps (does not copy) <paramref name="data"/>.</summary>
    public static IpmiResponse Ok(ReadOnlyMemory<byte> data) => new(Ipmi.CompletionCode.Normal, data);

    /// <summary>A successful response that keeps (does not copy) <paramref name="data"/>.</summary>
    public static IpmiResponse Ok(byte[] data) => new(Ipmi.CompletionCode.Normal, data);

    /// <summary>A response carrying only a completion code.</summary>
    public static IpmiResponse Error(byte completionCode) => new(completionCode, ReadOnlyMemory<byte>.Empty);

    /// <summary>A response with a completion code and data (some command-specific codes carry data).</summary>
    public static IpmiResponse Error(byte completionCode, ReadOnlySpan<byte> data) => new(completionCode, data.ToArray());

    /// <inheritdoc/>
    public override string ToString() => $"cc={CompletionCode:X2}h data={Convert.ToHexString(Data.Span)}";
}
