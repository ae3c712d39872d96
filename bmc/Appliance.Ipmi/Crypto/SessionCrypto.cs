using System.Security.Cryptography;

namespace Appliance.Ipmi.Crypto;

/// <summary>
/// Per-session integrity (HMAC keyed with K1) and confidentiality (AES-CBC-128 keyed with K2).
/// The keyed objects are made once per session and reused; callers serialise access with <see cref="Sync"/>.
/// </summary>
internal sealed class SessionCrypto : IDisposable
{
    public const int AesBlock = 16;

    private readonly IncrementalHash _integrity;
    private readonly Aes _aes;

    public SessionCrypto(CipherSuite suite, ReadOnlySpan<byte> sik)
    {
        Suite = suite;
        Span<byte> k = stackalloc byte[RakpCrypto.MaxHmacLength];
        int k1 = RakpCrypto.K1(suite, sik, k);
        _integrity = IncrementalHash.CreateHMAC(
            suite.Integrity == IntegrityAlgorithm.HmacSha256_128 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1,
            k[..k1]);
        RakpCrypto.K2(suite, sik, k);
        _aes = Aes.Create();
        _aes.Key = k[..AesBlock].ToArray();
        CryptographicOperations.ZeroMemory(k);
    }

    public CipherSuite Suite { get; }

    public Lock Sync { get; } = new();

    /// <summary>True once disposed; check it under <see cref="Sync"/> before use.</summary>
    public bool IsDisposed { get; private set; }

    public int AuthCodeLength => Suite.IntegrityAuthCodeLength;

    /// <summary>Size of the encrypted payload field (IV + ciphertext) for <paramref name="plainLength"/> bytes.</summary>
    public static int EncryptedLength(int plainLength) => AesBlock + ((plainLength + 1 + AesBlock - 1) / AesBlock) * AesBlock;

    public void ComputeAuthCode(ReadOnlySpan<byte> covered, Span<byte> authCode)
    {
        Span<byte> full = stackalloc byte[RakpCrypto.MaxHmacLength];
        _integrity.AppendData(covered);
        _integrity.GetHashAndReset(full);
        full[..AuthCodeLength].CopyTo(authCode);
    }

    public bool VerifyAuthCode(ReadOnlySpan<byte> covered, ReadOnlySpan<byte> authCode)
    {
        Span<byte> expected = stackalloc byte[RakpCrypto.MaxHmacLength];
        ComputeAuthCode(covered, expected);
        return authCode.Length == AuthCodeLength
            && CryptographicOperations.FixedTimeEquals(expected[..AuthCodeLength], authCode);
    }

    /// <summary>
    /// Writes IV + AES-CBC(plain + confidentiality pad 01h,02h,.. + pad length) to <paramref name="destination"/>.
    /// <paramref name="plain"/> must not overlap <paramref name="destination"/>.
    /// </summary>
    public int Encrypt(ReadOnlySpan<byte> plain, Span<byte> destination)
    {
        int total = EncryptedLength(plain.Length) - AesBlock;
        int pad = total - plain.Length - 1;
        Span<byte> iv = destination[..AesBlock];
        RandomNumberGenerator.Fill(iv);
        Span<byte> body = destination.Slice(AesBlock, total);
        plain.CopyTo(body);
        for (int i = 0; i < pad; i++)
        {
            body[plain.Length + i] = (byte)(i + 1);
        }

        body[total - 1] = (byte)pad;
        _aes.EncryptCbc(body, iv, body, PaddingMode.None);
        return AesBlock + total;
    }

    /// <summary>Decrypts a confidentiality payload; false when its size or pad is malformed.</summary>
    public bool TryDecrypt(ReadOnlySpan<byte> payload, Span<byte> destination, out int length)
    {
        length = 0;
        int cipherLength = payload.Length - AesBlock;
        if (cipherLength < AesBlock || cipherLength % AesBlock != 0 || destination.Length < cipherLength)
        {
            return false;
        }

        int written = _aes.DecryptCbc(payload[AesBlock..], payload[..AesBlock], destination, PaddingMode.None);
        int pad = destination[written - 1];
        if (pad >= AesBlock || pad + 1 > written)
        {
            return false;
        }

        // The pad bytes themselves are not checked: the packet's AuthCode already proved it intact.
        length = written - 1 - pad;
        return true;
    }

    public void Dispose()
    {
        IsDisposed = true;
        _integrity.Dispose();
        _aes.Dispose();
    }
}
