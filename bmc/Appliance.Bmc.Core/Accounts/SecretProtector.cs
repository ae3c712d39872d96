using System.Security.Cryptography;

namespace Appliance.Bmc.Accounts;

/// <summary>
/// Encrypts account secrets at rest with AES-GCM under a key kept in its own file, readable by
/// the BMC only. IPMI needs the password itself (RAKP keys are derived from it), so secrets are
/// reversible; the key file is where a board with a TPM would seal it instead.
/// </summary>
public sealed class SecretProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretProtector(string stateDirectory)
    {
        string path = Path.Combine(stateDirectory, "secret.key");
        if (File.Exists(path))
        {
            _key = File.ReadAllBytes(path);
            if (_key.Length != 32)
            {
                throw new InvalidDataException($"{path} is not a 256-bit key; restore it from backup or factory-reset the BMC");
            }

            return;
        }

        _key = RandomNumberGenerator.GetBytes(32);
        string temporary = path + ".new";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            file.Write(_key);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path);
    }

    public byte[] Protect(ReadOnlySpan<byte> secret)
    {
        byte[] sealedSecret = new byte[NonceSize + TagSize + secret.Length];
        Span<byte> nonce = sealedSecret.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, secret, sealedSecret.AsSpan(NonceSize + TagSize), sealedSecret.AsSpan(NonceSize, TagSize));
        return sealedSecret;
    }

    public byte[] Unprotect(ReadOnlySpan<byte> sealedSecret)
    {
        byte[] secret = new byte[sealedSecret.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedSecret[..NonceSize], sealedSecret[(NonceSize + TagSize)..], sealedSecret.Slice(NonceSize, TagSize), secret);
        return secret;
    }
}
