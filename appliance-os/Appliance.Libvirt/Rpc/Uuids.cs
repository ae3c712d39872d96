namespace Appliance.Libvirt.Rpc;

/// <summary>libvirt's UUID text form: 32 hex digits, written 8-4-4-4-12 in lower case; parsing accepts
/// dashes and spaces anywhere, as virUUIDParse does.</summary>
internal static class Uuids
{
    public static string Format(byte[] uuid)
    {
        string hex = Convert.ToHexStringLower(uuid);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    public static byte[]? TryParse(string text)
    {
        var uuid = new byte[16];
        int digits = 0;
        foreach (char c in text.Trim())
        {
            if (c is '-' or ' ') continue;
            int value = HexValue(c);
            if (value < 0 || digits == 32) return null;
            uuid[digits / 2] |= (byte)(digits % 2 == 0 ? value << 4 : value);
            digits++;
        }
        return digits == 32 ? uuid : null;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
