namespace Appliance.Bmc.Ipmi;

/// <summary>GUIDs on the wire: IPMI sends them least significant byte first (RFC 4122 order reversed), as Get System GUID does.</summary>
internal static class IpmiGuid
{
    public static byte[] Encode(Guid guid)
    {
        byte[] bytes = guid.ToByteArray(bigEndian: true);
        Array.Reverse(bytes);
        return bytes;
    }
}
