using System.Security.Cryptography;

namespace Appliance.Ipmi.Crypto;

/// <summary>
/// The RAKP key exchange computations (IPMI v2.0 section 13.31-13.32): key exchange authentication
/// codes, the Session Integrity Key (SIK) and the additional keys K1 (integrity) and K2 (confidentiality).
/// </summary>
internal static class RakpCrypto
{
    public const int RandomLength = 16;
    public const int GuidLength = 16;
    public const int MaxUserNameLength = 16;
    public const int MaxKeyLength = 20;
    public const int MaxHmacLength = 32;

    // 20 bytes of 01h and 02h: the spec derives K1 and K2 from these constants for SHA1 and SHA256 alike.
    private static ReadOnlySpan<byte> Const1 => [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];

    private static ReadOnlySpan<byte> Const2 => [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2];

    /// <summary>HMAC with the suite's authentication hash; a key shorter than the block is zero-padded, as the spec's 20-byte keys are.</summary>
    public static int Hmac(CipherSuite suite, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination) =>
        ManagedHmac.HashData(suite.Authentication == AuthenticationAlgorithm.RakpHmacSha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1,
            key, data, destination);

    /// <summary>RAKP Message 2 key exchange auth code: HMAC_Kuid(SIDm, SIDc, Rm, Rc, GUIDc, ROLEm, ULENGTHm, UNAMEm).</summary>
    public static int Rakp2AuthCode(
        CipherSuite suite, ReadOnlySpan<byte> userKey, uint remoteSessionId, uint managedSessionId,
        ReadOnlySpan<byte> remoteRandom, ReadOnlySpan<byte> managedRandom, ReadOnlySpan<byte> guid,
        byte role, ReadOnlySpan<byte> userName, Span<byte> destination)
    {
        Span<byte> data = stackalloc byte[4 + 4 + RandomLength + RandomLength + GuidLength + 2 + MaxUserNameLength];
        int n = 0;
        WriteUInt32(data, ref n, remoteSessionId);
        WriteUInt32(data, ref n, managedSessionId);
        Append(data, ref n, remoteRandom);
        Append(data, ref n, managedRandom);
        Append(data, ref n, guid);
        data[n++] = role;
        data[n++] = (byte)userName.Length;
        Append(data, ref n, userName);
        return Hmac(suite, userKey, data[..n], destination);
    }

    /// <summary>RAKP Message 3 key exchange auth code: HMAC_Kuid(Rc, SIDm, ROLEm, ULENGTHm, UNAMEm).</summary>
    public static int Rakp3AuthCode(
        CipherSuite suite, ReadOnlySpan<byte> userKey, ReadOnlySpan<byte> managedRandom, uint remoteSessionId,
        byte role, ReadOnlySpan<byte> userName, Span<byte> destination)
    {
        Span<byte> data = stackalloc byte[RandomLength + 4 + 2 + MaxUserNameLength];
        int n = 0;
        Append(data, ref n, managedRandom);
        WriteUInt32(data, ref n, remoteSessionId);
        data[n++] = role;
        data[n++] = (byte)userName.Length;
        Append(data, ref n, userName);
        return Hmac(suite, userKey, data[..n], destination);
    }

    /// <summary>SIK = HMAC_KG(Rm, Rc, ROLEm, ULENGTHm, UNAMEm), where K_G is the BMC key when set, else K_uid.</summary>
    public static int SessionIntegrityKey(
        CipherSuite suite, ReadOnlySpan<byte> kg, ReadOnlySpan<byte> userKey, ReadOnlySpan<byte> remoteRandom,
        ReadOnlySpan<byte> managedRandom, byte role, ReadOnlySpan<byte> userName, Span<byte> destination)
    {
        Span<byte> data = stackalloc byte[RandomLength + RandomLength + 2 + MaxUserNameLength];
        int n = 0;
        Append(data, ref n, remoteRandom);
        Append(data, ref n, managedRandom);
        data[n++] = role;
        data[n++] = (byte)userName.Length;
        Append(data, ref n, userName);
        return Hmac(suite, IsKgSet(kg) ? kg : userKey, data[..n], destination);
    }

    /// <summary>RAKP Message 4 integrity check value: HMAC_SIK(Rm, SIDc, GUIDc), truncated to the suite's length.</summary>
    public static int Rakp4Icv(
        CipherSuite suite, ReadOnlySpan<byte> sik, ReadOnlySpan<byte> remoteRandom, uint managedSessionId,
        ReadOnlySpan<byte> guid, Span<byte> destination)
    {
        Span<byte> data = stackalloc byte[RandomLength + 4 + GuidLength];
        int n = 0;
        Append(data, ref n, remoteRandom);
        WriteUInt32(data, ref n, managedSessionId);
        Append(data, ref n, guid);
        Span<byte> full = stackalloc byte[MaxHmacLength];
        Hmac(suite, sik, data[..n], full);
        full[..suite.Rakp4IcvLength].CopyTo(destination);
        return suite.Rakp4IcvLength;
    }

    /// <summary>K1 = HMAC_SIK(const 1): the integrity key.</summary>
    public static int K1(CipherSuite suite, ReadOnlySpan<byte> sik, Span<byte> destination) => Hmac(suite, sik, Const1, destination);

    /// <summary>K2 = HMAC_SIK(const 2): its first 16 bytes are the AES-CBC-128 key.</summary>
    public static int K2(CipherSuite suite, ReadOnlySpan<byte> sik, Span<byte> destination) => Hmac(suite, sik, Const2, destination);

    /// <summary>An all-zero (or absent) K_g means "not set": the spec then uses K_uid for the SIK.</summary>
    public static bool IsKgSet(ReadOnlySpan<byte> kg) => kg.IndexOfAnyExcept((byte)0) >= 0;

    private static void Append(Span<byte> data, ref int n, ReadOnlySpan<byte> value)
    {
        value.CopyTo(data[n..]);
        n += value.Length;
    }

    private static void WriteUInt32(Span<byte> data, ref int n, uint value)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data[n..], value);
        n += 4;
    }
}
