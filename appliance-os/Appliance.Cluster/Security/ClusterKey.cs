using System.Security.Cryptography;
using System.Text;

namespace Appliance.Cluster.Security;

/// <summary>
/// The cluster's encryption key (256-bit AES): secrets kept in etcd (BMC credentials, the CA's key)
/// are sealed with AES-GCM under it, bound to what they are (their etcd key) so a sealed value
/// cannot be moved to another record. Every member holds the key; etcd alone does not reveal them.
/// </summary>
public sealed class ClusterKey
{
    public const int Length = 32;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private readonly byte[] _key;

    public ClusterKey(byte[] key)
    {
        if (key.Length != Length) throw new ArgumentException($"the cluster key is {Length} bytes", nameof(key));
        _key = key;
    }

    public static ClusterKey Create() => new(RandomNumberGenerator.GetBytes(Length));

    public byte[] Export() => (byte[])_key.Clone();

    /// <summary>nonce ‖ ciphertext ‖ tag, base64.</summary>
    public string Seal(ReadOnlySpan<byte> plaintext, string purpose)
    {
        byte[] sealedValue = new byte[NonceLength + plaintext.Length + TagLength];
        var nonce = sealedValue.AsSpan(0, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(_key, TagLength);
        gcm.Encrypt(nonce, plaintext, sealedValue.AsSpan(NonceLength, plaintext.Length), sealedValue.AsSpan(NonceLength + plaintext.Length), Encoding.UTF8.GetBytes(purpose));
        return Convert.ToBase64String(sealedValue);
    }

    /// <exception cref="CryptographicException">Not sealed under this key for this purpose.</exception>
    public byte[] Open(string sealedBase64, string purpose)
    {
        byte[] sealedValue = Convert.FromBase64String(sealedBase64);
        if (sealedValue.Length < NonceLength + TagLength) throw new CryptographicException("the sealed value is too short");
        byte[] plaintext = new byte[sealedValue.Length - NonceLength - TagLength];
        using var gcm = new AesGcm(_key, TagLength);
        gcm.Decrypt(sealedValue.AsSpan(0, NonceLength), sealedValue.AsSpan(NonceLength, plaintext.Length), sealedValue.AsSpan(NonceLength + plaintext.Length), plaintext, Encoding.UTF8.GetBytes(purpose));
        return plaintext;
    }
}
