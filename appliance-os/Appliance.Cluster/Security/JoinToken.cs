using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Appliance.Cluster.Security;

/// <summary>
/// A join token, <c>id.secret.ca-hash</c> (50 characters of [a-z0-9.]): a 6-character id, a
/// 16-character secret (82 bits) and the cluster CA's hash (<see cref="ClusterCa.Hash"/>). The id
/// finds the token's record; etcd keeps only the secret's SHA-256; the CA hash lets the joining
/// node check it reached the right cluster before it sends the secret.
/// </summary>
public sealed record JoinToken(string Id, string Secret, string CaHash)
{
    public const int IdLength = 6;
    public const int SecretLength = 16;
    public const int CaHashLength = 26;
    public const int Length = IdLength + 1 + SecretLength + 1 + CaHashLength;
    public const string Form = "id.secret.ca-hash: 6, 16 and 26 characters of a-z and 0-9, 50 in all";
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static JoinToken Create(string caHash) =>
        new(RandomNumberGenerator.GetString(Alphabet, IdLength), RandomNumberGenerator.GetString(Alphabet, SecretLength), caHash);

    public static bool TryParse(string? text, [NotNullWhen(true)] out JoinToken? token)
    {
        token = null;
        text = text?.Trim();
        if (text is null || text.Length != Length) return false;
        string[] parts = text.Split('.');
        if (parts.Length != 3 || parts[0].Length != IdLength || parts[1].Length != SecretLength || parts[2].Length != CaHashLength) return false;
        if (!parts[0].All(IsIdChar) || !parts[1].All(IsIdChar) || !parts[2].All(c => c is >= 'a' and <= 'z' or >= '2' and <= '7')) return false;
        token = new JoinToken(parts[0], parts[1], parts[2]);
        return true;
    }

    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));

    public static bool SecretMatches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashSecret(secret)), Encoding.ASCII.GetBytes(storedHash));

    public override string ToString() => $"{Id}.{Secret}.{CaHash}";

    private static bool IsIdChar(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';
}
