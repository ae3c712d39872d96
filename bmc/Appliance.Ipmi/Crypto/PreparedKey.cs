using System.Security.Cryptography;

namespace Appliance.Ipmi.Crypto;

/// <summary>
/// A RAKP key (a user's K_uid, the BMC's K_g, or a decoy) with its HMAC pads hashed once per
/// algorithm, on first use, and kept for every later session setup: preparing a key costs as much
/// as an HMAC of a short message, and each setup would otherwise pay it again. The instances are
/// shared by concurrent setups, so none of them is ever cleared; the key itself is kept beside
/// them, as its owner keeps it, so that a key changed in place is noticed (<see cref="Holds"/>).
/// </summary>
internal sealed class PreparedKey
{
    private readonly byte[] _key;
    private ManagedHmac? _sha1;
    private ManagedHmac? _sha256;

    public PreparedKey(ReadOnlySpan<byte> key) => _key = key.ToArray();

    /// <summary>Whether this was prepared from exactly <paramref name="key"/>.</summary>
    public bool Holds(ReadOnlySpan<byte> key) => key.Length == _key.Length && CryptographicOperations.FixedTimeEquals(key, _key);

    /// <summary>The suite's HMAC keyed with this key. Thread-safe: a race prepares it twice, alike.</summary>
    public ManagedHmac For(CipherSuite suite) => suite.Authentication == AuthenticationAlgorithm.RakpHmacSha256
        ? Volatile.Read(ref _sha256) ?? Prepare(ref _sha256, suite)
        : Volatile.Read(ref _sha1) ?? Prepare(ref _sha1, suite);

    private ManagedHmac Prepare(ref ManagedHmac? slot, CipherSuite suite)
    {
        var keyed = RakpCrypto.Keyed(suite, _key);
        Volatile.Write(ref slot, keyed);
        return keyed;
    }
}
