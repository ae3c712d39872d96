using System.Globalization;
using Appliance.Bmc.Storage;

namespace Appliance.Bmc.Ipmi.Transport;

/// <summary>
/// The VLAN ID a tool wrote with the enable bit clear. The network settings only know "no VLAN",
/// but IPMI keeps the ID with the bit off (ipmitool reads it back after "vlan id off"), so it is
/// kept here for parameter 20 to show.
/// </summary>
public sealed class DisabledVlan(SettingsStore settings)
{
    private const string Key = "ipmi.lan.disabled_vlan_id";

    public int Id
    {
        get => int.TryParse(settings.Get(Key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int id) ? id : 0;
        set => settings.Set(Key, value.ToString(CultureInfo.InvariantCulture));
    }
}
