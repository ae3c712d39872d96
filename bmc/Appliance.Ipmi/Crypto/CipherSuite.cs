namespace Appliance.Ipmi.Crypto;

/// <summary>Authentication algorithm numbers (IPMI v2.0 table 13-17).</summary>
internal enum AuthenticationAlgorithm : byte
{
    RakpNone = 0x00,
    RakpHmacSha1 = 0x01,
    RakpHmacMd5 = 0x02,
    RakpHmacSha256 = 0x03,
}

/// <summary>Integrity algorithm numbers (IPMI v2.0 table 13-18).</summary>
internal enum IntegrityAlgorithm : byte
{
    None = 0x00,
    HmacSha1_96 = 0x01,
    HmacMd5_128 = 0x02,
    Md5_128 = 0x03,
    HmacSha256_128 = 0x04,
}

/// <summary>Confidentiality algorithm numbers (IPMI v2.0 table 13-19).</summary>
internal enum ConfidentialityAlgorithm : byte
{
    None = 0x00,
    AesCbc128 = 0x01,
    XRc4_128 = 0x02,
    XRc4_40 = 0x03,
}

/// <summary>The algorithms of one cipher suite and the sizes they imply.</summary>
internal sealed class CipherSuite
{
    public static readonly CipherSuite Suite3 = new(
        CipherSuiteId.Id3, AuthenticationAlgorithm.RakpHmacSha1, IntegrityAlgorithm.HmacSha1_96, ConfidentialityAlgorithm.AesCbc128);

    public static readonly CipherSuite Suite17 = new(
        CipherSuiteId.Id17, AuthenticationAlgorithm.RakpHmacSha256, IntegrityAlgorithm.HmacSha256_128, ConfidentialityAlgorithm.AesCbc128);

    /// <summary>Suites in the order Get Channel Cipher Suites lists them.</summary>
    public static readonly CipherSuite[] Supported = [Suite3, Suite17];

    private CipherSuite(CipherSuiteId id, AuthenticationAlgorithm auth, IntegrityAlgorithm integrity, ConfidentialityAlgorithm confidentiality)
    {
        Id = id;
        Authentication = auth;
        Integrity = integrity;
        Confidentiality = confidentiality;
    }

    public CipherSuiteId Id { get; }

    public AuthenticationAlgorithm Authentication { get; }

    public IntegrityAlgorithm Integrity { get; }

    public ConfidentialityAlgorithm Confidentiality { get; }

    /// <summary>Length of the RAKP 2/3 key exchange authentication codes (full HMAC).</summary>
    public int RakpAuthCodeLength => Authentication == AuthenticationAlgorithm.RakpHmacSha256 ? 32 : 20;

    /// <summary>Length of the RAKP 4 integrity check value (truncated HMAC).</summary>
    public int Rakp4IcvLength => Authentication == AuthenticationAlgorithm.RakpHmacSha256 ? 16 : 12;

    /// <summary>Length of the AuthCode in the session trailer of every in-session packet.</summary>
    public int IntegrityAuthCodeLength => Integrity == IntegrityAlgorithm.HmacSha256_128 ? 16 : 12;

    public static CipherSuite FromId(CipherSuiteId id) => id switch
    {
        CipherSuiteId.Id3 => Suite3,
        CipherSuiteId.Id17 => Suite17,
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "only cipher suites 3 and 17 are supported"),
    };
}
