namespace Appliance.Cluster.Security;

/// <summary>RFC 4648 base32 in lower case without padding: the alphabet a front-panel editor offers.</summary>
public static class Base32
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var text = new char[(data.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, n = 0;
        foreach (byte b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text[n++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }

        if (bits > 0) text[n++] = Alphabet[(buffer << (5 - bits)) & 31];
        return new string(text, 0, n);
    }
}
