using System.Globalization;
using System.Net;
using Appliance.Bmc.Chassis;
using Appliance.Bmc.Cluster;
using Appliance.Bmc.Network;

namespace Appliance.Bmc.FrontPanel;

/// <summary>The setup menu and the pages behind its entries (power is in <see cref="PowerPages"/>).</summary>
internal static class SetupMenu
{
    private const string HostNameAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-.";
    private const int MaxHostNameLength = 63;

    /// <summary>The setup menu; "Unlock account" is there while an account is locked out.</summary>
    public static MenuPage Top(PanelController panel)
    {
        List<MenuItem> items =
        [
            new("BMC network", p => p.Push(Network(p))),
            new("Hostname", p => p.Push(HostName(p))),
            new("Cluster join", p => p.Push(Cluster(p))),
            new("Power", p => p.Push(PowerPages.Menu(p))),
            new("Identify LED", p => p.Push(new IdentifyPage())),
            new("Factory reset", p => p.Push(FactoryReset())),
        ];
        if (panel.Bmc.LockedAccounts.Count > 0)
        {
            items.Add(new("Unlock account", p => p.Push(LockedAccounts(p))));
        }

        return new MenuPage("Setup", items);
    }

    /// <summary>The locked-out accounts; Select on one asks, then ends its lockout.</summary>
    private static PanelPage LockedAccounts(PanelController panel)
    {
        IReadOnlyList<string> locked = panel.Bmc.LockedAccounts;
        if (locked.Count == 0)
        {
            return new MessagePage(["No account is", "locked out", "", MessagePage.AnyKey]);
        }

        return new MenuPage("Locked out", locked.Select(name => new MenuItem(name, p =>
            p.Push(new ConfirmPage(["Unlock " + name + "?", "", "SELECT: unlock", "BACK: no"], p2 =>
            {
                string? refused = p2.Bmc.UnlockAccount(name);
                p2.Replace(refused is null
                    ? new MessagePage([name, "unlocked", "", MessagePage.AnyKey], p3 => p3.GoIdle())
                    : MessagePage.Explain("Not unlocked", refused));
            })))).ToList());
    }

    /// <summary>The PIN prompt in front of the setup menu when a PIN is set.</summary>
    public static DigitEntryPage PinEntry(PanelController panel) =>
        new("Enter setup PIN", new string('0', panel.Bmc.PinLength), masked: true, (p, pin) =>
        {
            switch (p.Bmc.CheckPin(pin))
            {
                case PinCheck.Accepted:
                    p.Unlock();
                    p.Replace(Top(p));
                    break;
                case PinCheck.Wrong:
                    int left = p.Bmc.PinAttemptsLeft;
                    p.Replace(new MessagePage(["Wrong PIN", left == 1 ? "1 try left" : $"{left} tries left", "", MessagePage.AnyKey], p2 => p2.GoIdle()));
                    break;
                default:
                    p.Replace(new MessagePage(["Too many wrong PINs", "Setup is locked for",
                        $"{FrontPanelPolicy.PinLockoutDuration.TotalMinutes:0} minutes", MessagePage.AnyKey], p2 => p2.GoIdle()));
                    break;
            }
        });

    private static MenuPage Network(PanelController panel) => new("BMC network",
    [
        new(() => "Source: " + SourceName(panel.Bmc.Network.Source), p => p.Push(Source())),
        new("IP address", p => p.Push(AddressEditor(p, "IP address", c => c.Address, (c, ip) => c with { Address = ip }))),
        new("Subnet mask", p => p.Push(AddressEditor(p, "Subnet mask", c => c.SubnetMask, (c, ip) => c with { SubnetMask = ip }))),
        new("Gateway", p => p.Push(AddressEditor(p, "Gateway", c => c.Gateway, (c, ip) => c with { Gateway = ip }))),
    ]);

    private static MenuPage Source() => new("Address source",
    [
        new("DHCP", p => ApplySource(p, IpAddressSource.Dhcp)),
        new("Static", p => ApplySource(p, IpAddressSource.Static)),
    ]);

    private static void ApplySource(PanelController panel, IpAddressSource source)
    {
        string? refused = panel.Bmc.UpdateNetwork(panel.Bmc.Network with { Source = source });
        if (refused is null)
        {
            panel.Pop();
        }
        else
        {
            panel.Push(MessagePage.Explain("Not saved", refused));
        }
    }

    /// <summary>
    /// A digit editor for one of the static addresses. Saving it makes the address source static:
    /// an address typed on the panel is meant to be used.
    /// </summary>
    private static DigitEntryPage AddressEditor(PanelController panel, string title,
        Func<NetworkConfiguration, IPAddress> read, Func<NetworkConfiguration, IPAddress, NetworkConfiguration> write)
    {
        byte[] octets = read(panel.Bmc.Network).GetAddressBytes();
        string shown = string.Join('.', octets.Select(o => o.ToString("D3", CultureInfo.InvariantCulture)));
        return new DigitEntryPage(title, shown, masked: false, (p, text) =>
        {
            int[] parts = text.Split('.').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            if (parts.Any(part => part > 255))
            {
                p.Push(MessagePage.Explain("Not saved", "each part of an address is 0 to 255"));
                return;
            }

            var address = new IPAddress(parts.Select(part => (byte)part).ToArray());
            string? refused = p.Bmc.UpdateNetwork(write(p.Bmc.Network, address) with { Source = IpAddressSource.Static });
            Saved(p, refused, new MessagePage([title + " saved", address.ToString(), "Source: static", MessagePage.AnyKey]), "Not saved");
        });
    }

    private static TextEntryPage HostName(PanelController panel) =>
        new("Hostname", HostNameAlphabet, MaxHostNameLength, panel.Bmc.HostName, (p, name) =>
        {
            Saved(p, p.Bmc.UpdateHostName(name), new MessagePage(["Hostname saved", name, "", MessagePage.AnyKey]), "Not saved");
        });

    private static MenuPage Cluster(PanelController panel) => new("Cluster join",
    [
        new(() => "State: " + MembershipName(panel.Bmc.Membership), p => p.Push(Membership(p.Bmc))),
        new("Enter join token", p => p.Push(new TextEntryPage("Join token", ClusterJoin.TokenAlphabet, ClusterJoin.MaxTokenLength, "", (p2, token) =>
        {
            Saved(p2, p2.Bmc.SetJoinToken(token), new MessagePage(["Join token stored", "Cluster: joining", "", MessagePage.AnyKey]), "Not stored");
        }))),
        new("Clear join token", p => p.Push(new ConfirmPage(["Clear join token?", "", "SELECT: yes", "BACK: no"], p2 =>
        {
            p2.Bmc.ClearJoinToken();
            p2.Replace(new MessagePage(["Join token cleared", "Cluster: " + MembershipName(p2.Bmc.Membership), "", MessagePage.AnyKey]));
        }))),
        new("Cluster address", p => p.Push(ClusterAddressEditor(p))),
        new("Clear address", p => p.Push(new ConfirmPage(["Clear the cluster", "address?", "SELECT: yes", "BACK: no"], p2 =>
        {
            p2.Bmc.ClearClusterAddress();
            p2.Replace(new MessagePage(["Cluster address", "cleared", "", MessagePage.AnyKey]));
        }))),
    ]);

    private static PanelPage Membership(IPanelBmc bmc) => bmc.Membership switch
    {
        ClusterMembership.Member => new MessagePage(["Cluster: member of", bmc.ClusterName ?? "", bmc.NodeName.Length > 0 ? "node " + bmc.NodeName : "", MessagePage.AnyKey]),
        ClusterMembership.Joining => new MessagePage(["Cluster: joining", "token stored for", "the host to use", MessagePage.AnyKey]),
        ClusterMembership.Refused => new ReasonPage("Cluster join refused", bmc.RefusalReason.Length > 0 ? bmc.RefusalReason : "no reason given"),
        _ => new MessagePage(["Cluster: none", "no join token", "", MessagePage.AnyKey]),
    };

    /// <summary>
    /// The cluster's address in two digit editors, as the network pages edit addresses: the IPv4
    /// address, then the port (the cluster API's, 7443 unless it was set otherwise).
    /// </summary>
    private static DigitEntryPage ClusterAddressEditor(PanelController panel)
    {
        (byte[] octets, int port) = CurrentClusterAddress(panel.Bmc.ClusterAddress);
        string shown = string.Join('.', octets.Select(o => o.ToString("D3", CultureInfo.InvariantCulture)));
        return new DigitEntryPage("Cluster address", shown, masked: false, (p, text) =>
        {
            int[] parts = text.Split('.').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            if (parts.Any(part => part > 255))
            {
                p.Push(MessagePage.Explain("Not saved", "each part of an address is 0 to 255"));
                return;
            }

            var address = new IPAddress(parts.Select(part => (byte)part).ToArray());
            p.Push(new DigitEntryPage("Cluster API port", port.ToString("D5", CultureInfo.InvariantCulture), masked: false, (p2, digits) =>
            {
                int chosen = int.Parse(digits, CultureInfo.InvariantCulture);
                if (chosen is < 1 or > 65535)
                {
                    p2.Push(MessagePage.Explain("Not saved", "a port is 1 to 65535"));
                    return;
                }

                string value = address + ":" + chosen.ToString(CultureInfo.InvariantCulture);
                if (p2.Bmc.SetClusterAddress(value) is string refused)
                {
                    p2.Push(MessagePage.Explain("Not saved", refused));
                    return;
                }

                p2.Pop();
                p2.Replace(new MessagePage(["Cluster address", "saved", value, MessagePage.AnyKey]));
            }));
        });
    }

    /// <summary>The stored address when it is an IPv4 address (and port); zeros and the default port otherwise.</summary>
    private static (byte[] Octets, int Port) CurrentClusterAddress(string? address)
    {
        if (address is not null && IPEndPoint.TryParse(address, out IPEndPoint? endpoint) && endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return (endpoint.Address.GetAddressBytes(), endpoint.Port == 0 ? ClusterJoin.DefaultPort : endpoint.Port);
        }

        return (new byte[4], ClusterJoin.DefaultPort);
    }

    /// <summary>Two confirmations, then the reset and how to log in afterwards.</summary>
    private static ConfirmPage FactoryReset() =>
        new(["Factory reset?", "Erases accounts and", "settings; keeps SEL", "SELECT: continue"], p =>
            p.Replace(new ConfirmPage(["Really reset?", "It cannot be undone", "SELECT: reset now", "BACK: cancel"], p2 =>
            {
                FactoryResetResult result = p2.Bmc.FactoryReset();
                p2.Replace(result.GeneratedPassword is string password
                    ? new MessagePage(["Reset done. Log in:", result.AdminUser, password, "SELECT when noted"], p3 => p3.GoIdle())
                    : new MessagePage(["Reset done. Log in:", result.AdminUser, "configured password", MessagePage.AnyKey], p3 => p3.GoIdle()));
            })));

    /// <summary>
    /// After an editor finishes: the confirmation in place of the editor, or the reason over it,
    /// so that dismissing the reason returns to the text as typed.
    /// </summary>
    private static void Saved(PanelController panel, string? refused, MessagePage confirmation, string refusedTitle)
    {
        if (refused is null)
        {
            panel.Replace(confirmation);
        }
        else
        {
            panel.Push(MessagePage.Explain(refusedTitle, refused));
        }
    }

    private static string SourceName(IpAddressSource source) => source == IpAddressSource.Dhcp ? "DHCP" : "static";

    private static string MembershipName(ClusterMembership membership) => membership switch
    {
        ClusterMembership.Member => "member",
        ClusterMembership.Joining => "joining",
        ClusterMembership.Refused => "refused",
        _ => "none",
    };
}
