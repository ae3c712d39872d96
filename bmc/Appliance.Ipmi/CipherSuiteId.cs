namespace Appliance.Ipmi;

/// <summary>The RMCP+ cipher suites this library accepts. Suites 0, 1 and 2 (no integrity or no encryption) are refused.</summary>
public enum CipherSuiteId : byte
{
    /// <summary>Cipher suite 3: RAKP-HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128.</summary>
    Id3 = 3,
    /// <summary>Cipher suite 17: RAKP-HMAC-SHA256, HMAC-SHA256-128, AES-CBC-128.</summary>
    Id17 = 17,
}
