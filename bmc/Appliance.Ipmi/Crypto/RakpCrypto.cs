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

    /// <summary>
    /// The suite's HMAC with its key already taken in (a key shorter than the block is zero-padded, as
    /// the spec's 20-byte keys are): one key serves several computations of an
    /// exchange (K_uid for RAKP 2, RAKP 3 and the SIK; the SIK for K1, K2 and RAKP 4), and each
    /// saves hashing the key's pads again. <see cref="ManagedHmac.Clear"/> it once done.
    /// </summary>
    public static ManagedHmac Keyed(CipherSuite suite, ReadOnlySpan<byte> key) =>
        new(suite.Authentication == AuthenticationAlgorithm.RakpHmacSha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1, key);

    /// <summary>RAKP Message 2 key exchange auth code: HMAC_Kuid(SIDm, SIDc, Rm, Rc, GUIDc, ROLEm, ULENGTHm, UNAMEm).</summary>
    public static int Rakp2AuthCode(
        CipherSuite suite, ReadOnlySpan<byte> userKey, uint remoteSessionId, uint managedSessionId,
        ReadOnlySpan<byte> remoteRandom, ReadOnlySpan<byte> managedRandom, ReadOnlySpan<byte> guid,
        byte role, ReadOnlySpan<byte> userName, Span<byte> destination) =>
        Rakp2AuthCode(Keyed(suite, userKey), remoteSessionId, managedSessionId, remoteRandom, managedRandom, guid, role, userName, destination);

    /// <inheritdoc cref="Rakp2AuthCode(CipherSuite, ReadOnlySpan{byte}, uint, uint, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, byte, ReadOnlySpan{byte}, Span{byte})"/>
    public static int Rakp2AuthCode(
        ManagedHmac userKey, uint remoteSessionId, uint managedSessionId,
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
        return userKey.Compute(data[..n], destination);
    }

    /// <summary>RAKP Message 3 key exchange auth code: HMAC_Kuid(Rc, SIDm, ROLEm, ULENGTHm, UNAMEm).</summary>
    public static int Rakp3AuthCode(
        CipherSuite suite, ReadOnlySpan<byte> userKey, ReadOnlySpan<byte> managedRandom, uint remoteSessionId,
        byte role, ReadOnlySpan<byte> userName, Span<byte> destination) =>
        Rakp3AuthCode(Keyed(suite, userKey), managedRandom, remoteSessionId, role, userName, destination);

    /// <inheritdoc cref="Rakp3AuthCode(CipherSuite, ReadOnlySpan{byte}, ReadOnlySpan{byte}, uint, byte, ReadOnlySpan{byte}, Span{byte})"/>
    public static int Rakp3AuthCode(
        ManagedHmac userKey, ReadOnlySpan<byte> managedRandom, uint remoteSessionId,
        byte role, ReadOnlySpan<byte> userName, Span<byte> destination)
    {
        Span<byte> data = stackalloc byte[RandomLength + 4 + 2 + MaxUserNameLength];
        int n = 0;
        Append(data, ref n, managedRandom);
        WriteUInt32(data, ref n, remoteSessionId);
        data[n++] = role;
        data[n++] = (byte)userName.Length;
        Append(data, ref n, userName);
        return userKey.Compute(data[..n], destination);
    }

    /// <summary>SIK = HMAC_KG(Rm, Rc, ROLEm, ULENGTHm, UNAMEm), where K_G is the BMC key when set, else K_uid.</summary>
    public static int SessionIntegrityKey(
        CipherSuite suite, ReadOnlySpan<byte> kg, ReadOnlySpan<byte> userKey, ReadOnlySpan<byte> remoteRandom,
        ReadOnlySpan<byte> managedRandom, byte role, ReadOnlySpan<byte> userName, Span<byte> destination) =>
        SessionIntegrityKey(Keyed(suite, IsKgSet(kg) ? kg : userKey), remoteRandom, managedRandom, role, userName, destination);

    /// <summary>SIK = HMAC_KG(Rm, Rc, ROLEm, ULENGTHm, UNAMEm), with <paramref name="keyGenerating"/> keyed with K_G (or K_uid when K_G is not set).</summary>
    public static int SessionIntegrityKey(
        ManagedHmac keyGenerating, ReadOnlySpan<byte> remoteRandom,
        ReadOnlySpan<byte> managedRandom, byte role, ReadOnlySpan<byte> userName, Span<byte> destination)
    {
        Span<byte> data = stackalloc byte[RandomLength + RandomLength + 2 + MaxUserNameLength];
        int n = 0;
        Append(data, ref n, remoteRandom);
        Append(data, ref n, managedRandom);
        data[n++] = role;
        data[n++] = (byte)userName.Length;
        Append(data, ref n, userName);
        return keyGenerating.Compute(data[..n], destination);
    }

    /// <summary>RAKP Message 4 integrity check value: HMAC_SIK(Rm, SIDc, GUIDc), truncated to the suite's length.</summary>
    public static int Rakp4Icv(
        CipherSuite suite, ReadOnlySpan<byte> sik, ReadOnlySpan<byte> remoteRandom, uint managedSessionId,
        ReadOnlySpan<byte> guid, Span<byte> destination) =>
        Rakp4Icv(suite, Keyed(suite, sik), remoteRandom, managedSessionId, guid, destination);

    /// <summary>RAKP Message 4 integrity check value, with <paramref name="sik"/> keyed with the SIK.</summary>
    public static int Rakp4Icv(
        CipherSuite suite, ManagedHmac sik, ReadOnlySpan<byte> remoteRandom, uint managedSessionId,
        ReadOnlySpan<byte> guid, Span<byte> destination)
    {
        Span<byte> data = stackalloc byte[RandomLength + 4 + GuidLength];
        int n = 0;
        Append(data, ref n, remoteRandom);
        WriteUInt32(data, ref n, managedSessionId);
        Append(data, ref n, guid);
        Span<byte> full = stackalloc byte[MaxHmacLength];
        sik.Compute(data[..n], full);
        full[..suite.Rakp4IcvLength].CopyTo(destination);
        return suite.Rakp4IcvLength;
    }

    /// <summary>K1 = HMAC_SIK(const 1): the integrity key.</summary>
    public static int K1(ManagedHmac sik, Span<byte> destination) => sik.Compute(Const1, destination);

    /// <summary>K2 = HMAC_SIK(const 2): its first 16 bytes are the AES-CBC-128 key.</summary>
    public static int K2(ManagedHmac sik, Span<byte> destination) => sik.Compute(Const2, destination);

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
