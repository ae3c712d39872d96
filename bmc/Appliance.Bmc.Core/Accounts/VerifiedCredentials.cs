using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Appliance.Bmc.Accounts;

/// <summary>
/// Names and passwords that a full check has accepted, so that HTTP Basic auth, which sends them
/// with every request, costs neither a database read nor a decryption each time. Only an HMAC of
/// name and password under a random key made for this process is kept, never the password: a
/// memory dump gives an attacker less than the account store's own reversible secrets. Each entry
/// carries the generation of the account table it was verified against and counts only while that
/// is still the current one.
/// </summary>
internal sealed class VerifiedCredentials
{
    private const int MacLength = HMACSHA256.HashSizeInBytes;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Entry> _byName = new(StringComparer.Ordinal);

    /// <summary>True when this name and password were verified against the table of <paramref name="generation"/>.</summary>
    public bool Matches(string userName, string password, long generation)
    {
        if (!_byName.TryGetValue(userName, out Entry? entry) || entry.Generation != generation)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[MacLength];
        Compute(userName, password, mac);
        return CryptographicOperations.FixedTimeEquals(mac, entry.Mac);
    }

    /// <summary>Notes a name and password just verified against the table of <paramref name="generation"/>.</summary>
    public void Remember(string userName, string password, long generation)
    {
        byte[] mac = new byte[MacLength];
        Compute(userName, password, mac);
        _byName[userName] = new Entry(mac, generation);
    }

    public void Forget() => _byName.Clear();

    private void Compute(string userName, string password, Span<byte> mac)
    {
        // name NUL password: no other name and password give the same bytes (names hold no NUL).
        int length = Encoding.UTF8.GetByteCount(userName) + 1 + Encoding.UTF8.GetByteCount(password);
        byte[]? rented = length > 256 ? new byte[length] : null;
        Span<byte> input = rented ?? stackalloc byte[256];
        int written = Encoding.UTF8.GetBytes(userName, input);
        input[written++] = 0;
        written += Encoding.UTF8.GetBytes(password, input[written..]);
        HMACSHA256.HashData(_key, input[..written], mac);
        CryptographicOperations.ZeroMemory(input[..written]);
    }

    private sealed record Entry(byte[] Mac, long Generation);
}
