using System.Security.Cryptography;

namespace Appliance.Ipmi.Crypto;

/// <summary>
/// Per-session integrity (HMAC keyed with K1) and confidentiality (AES-CBC-128 keyed with K2).
/// The keyed objects are made once per session and reused; callers serialise access with <see cref="Sync"/>.
/// </summary>
internal sealed class SessionCrypto : IDisposable
{
    public const int AesBlock = 16;
    private const int MaxPayload = 2048;

    private readonly ManagedHmac _integrity;

    // Without AES instructions: the platform cipher, one CBC transform per direction, created with an
    // all-zero IV and reused (CBC with IV v equals CBC with a zero IV over a first block XORed with v),
    // which avoids a native cipher context per packet, and its staging buffers.
    private readonly Aes? _aes;
    private readonly ICryptoTransform? _encryptor;
    private readonly ICryptoTransform? _decryptor;
    private readonly byte[]? _in;
    private readonly byte[]? _out;

    // With them: the round keys only; packets are encrypted and decrypted where they lie.
    private readonly Aes128Ni? _aesNi;

    public SessionCrypto(CipherSuite suite, ReadOnlySpan<byte> sik)
        : this(suite, sik, usePlatformAes: false)
    {
    }

    /// <param name="suite">The session's cipher suite.</param>
    /// <param name="sik">The Session Integrity Key from RAKP.</param>
    /// <param name="usePlatformAes">Use the platform cipher even where AES instructions exist (tests cross-check both).</param>
    internal SessionCrypto(CipherSuite suite, ReadOnlySpan<byte> sik, bool usePlatformAes)
        : this(suite, RakpCrypto.Keyed(suite, sik), usePlatformAes, clearSik: true)
    {
    }

    /// <param name="suite">The session's cipher suite.</param>
    /// <param name="sik">An HMAC keyed with the Session Integrity Key (<see cref="RakpCrypto.Keyed"/>); the caller keeps and clears it.</param>
    internal SessionCrypto(CipherSuite suite, ManagedHmac sik)
        : this(suite, sik, usePlatformAes: false, clearSik: false)
    {
    }

    private SessionCrypto(CipherSuite suite, ManagedHmac sik, bool usePlatformAes, bool clearSik)
    {
        Suite = suite;
        Span<byte> k = stackalloc byte[RakpCrypto.MaxHmacLength];
        int k1 = RakpCrypto.K1(sik, k);
        _integrity = new ManagedHmac(
            suite.Integrity == IntegrityAlgorithm.HmacSha256_128 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1,
            k[..k1]);
        RakpCrypto.K2(sik, k);
        if (clearSik)
        {
            sik.Clear();
        }

        if (!usePlatformAes && Aes128Ni.IsSupported)
        {
            _aesNi = new Aes128Ni(k[..AesBlock]);
        }
        else
        {
            _aes = Aes.Create();
            _aes.Key = k[..AesBlock].ToArray();
            _aes.Mode = CipherMode.CBC;
            _aes.Padding = PaddingMode.None;
            _aes.IV = new byte[AesBlock];
            _encryptor = _aes.CreateEncryptor();
            _decryptor = _aes.CreateDecryptor();
            _in = new byte[MaxPayload];
            _out = new byte[MaxPayload];
        }

        CryptographicOperations.ZeroMemory(k);
    }

    public CipherSuite Suite { get; }

    public Lock Sync { get; } = new();

    /// <summary>True once disposed; check it under <see cref="Sync"/> before use.</summary>
    public bool IsDisposed { get; private set; }

    public int AuthCodeLength => Suite.IntegrityAuthCodeLength;

    /// <summary>Largest plaintext <see cref="Encrypt"/> takes.</summary>
    public static int MaxPlainLength => MaxPayload - AesBlock;

    /// <summary>Size of the encrypted payload field (IV + ciphertext) for <paramref name="plainLength"/> bytes.</summary>
    public static int EncryptedLength(int plainLength) => AesBlock + ((plainLength + 1 + AesBlock - 1) / AesBlock) * AesBlock;

    public void ComputeAuthCode(ReadOnlySpan<byte> covered, Span<byte> authCode)
    {
        Span<byte> full = stackalloc byte[RakpCrypto.MaxHmacLength];
        _integrity.Compute(covered, full);
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
    /// Call under <see cref="Sync"/>.
    /// </summary>
    public int Encrypt(ReadOnlySpan<byte> plain, Span<byte> destination)
    {
        if (plain.Length > MaxPlainLength)
        {
            throw new ArgumentException("payload too large", nameof(plain));
        }

        int total = EncryptedLength(plain.Length) - AesBlock;
        Span<byte> iv = destination[..AesBlock];
        Span<byte> body = _aesNi is not null ? destination.Slice(AesBlock, total) : _in.AsSpan(0, total);
        plain.CopyTo(body);
        int pad = total - plain.Length - 1;
        for (int i = 0; i < pad; i++)
        {
            body[plain.Length + i] = (byte)(i + 1);
        }

        body[total - 1] = (byte)pad;
        RandomPool.Fill(iv);
        if (_aesNi is not null)
        {
            _aesNi.EncryptCbc(iv, body, body);
            return AesBlock + total;
        }

        for (int i = 0; i < AesBlock; i++)
        {
            body[i] ^= iv[i];
        }

        _encryptor!.TransformBlock(_in!, 0, total, _out!, 0);
        _encryptor.TransformFinalBlock(_in!, 0, 0); // back to the zero IV for the next packet
        _out.AsSpan(0, total).CopyTo(destination[AesBlock..]);
        return AesBlock + total;
    }

    /// <summary>Decrypts a confidentiality payload; false when its size or pad is malformed. Call under <see cref="Sync"/>.</summary>
    public bool TryDecrypt(ReadOnlySpan<byte> payload, Span<byte> destination, out int length)
    {
        length = 0;
        int cipherLength = payload.Length - AesBlock;
        if (cipherLength < AesBlock || cipherLength % AesBlock != 0 || cipherLength > MaxPayload || destination.Length < cipherLength)
        {
            return false;
        }

        Span<byte> plain = destination[..cipherLength];
        if (_aesNi is not null)
        {
            _aesNi.DecryptCbc(payload[..AesBlock], payload[AesBlock..], plain);
        }
        else
        {
            payload[AesBlock..].CopyTo(_in);
            int written = _decryptor!.TransformBlock(_in!, 0, cipherLength, _out!, 0);
            _decryptor.TransformFinalBlock(_in!, 0, 0);
            if (written != cipherLength)
            {
                return false;
            }

            _out.AsSpan(0, cipherLength).CopyTo(plain);
            for (int i = 0; i < AesBlock; i++)
            {
                plain[i] ^= payload[i];
            }
        }

        int pad = plain[cipherLength - 1];
        if (pad >= AesBlock || pad + 1 > cipherLength)
        {
            return false;
        }

        // The pad bytes themselves are not checked: the packet's AuthCode already proved it intact.
        length = cipherLength - 1 - pad;
        return true;
    }

    public void Dispose()
    {
        IsDisposed = true;
        _integrity.Clear();
        _encryptor?.Dispose();
        _decryptor?.Dispose();
        _aes?.Dispose();
        _aesNi?.Clear();
        CryptographicOperations.ZeroMemory(_in);
        CryptographicOperations.ZeroMemory(_out);
    }
}
