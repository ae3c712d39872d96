using Appliance.Ipmi;
using Appliance.Ipmi.Client;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// The privilege every command needs, pinned against the specifications rather than against the
/// BMC's own map (which <see cref="PrivilegeMapTests"/> shows is enforced): IPMI v2.0 Appendix G
/// ("Command Assignments"), DCMI v1.5 for the group extension 2Ch, and this BMC's README for its OEM
/// commands. A command declared at the wrong level fails here; a new command fails until it is added.
/// </summary>
public sealed class PrivilegeSpecTests
{
    private const PrivilegeLevel User = PrivilegeLevel.User;
    private const PrivilegeLevel Operator = PrivilegeLevel.Operator;
    private const PrivilegeLevel Admin = PrivilegeLevel.Administrator;

    private static readonly (byte NetFn, byte Command, string Name, PrivilegeLevel Level)[] Specified =
    [
        // Chassis (00h)
        (0x00, 0x00, "Get Chassis Capabilities", User),
        (0x00, 0x01, "Get Chassis Status", User),
        (0x00, 0x02, "Chassis Control", Operator),
        (0x00, 0x04, "Chassis Identify", Operator),
        (0x00, 0x06, "Set Power Restore Policy", Operator),
        (0x00, 0x07, "Get System Restart Cause", User),
        (0x00, 0x08, "Set System Boot Options", Operator),
        (0x00, 0x09, "Get System Boot Options", Operator),
        (0x00, 0x0A, "Set Front Panel Button Enables", Admin),
        (0x00, 0x0F, "Get POH Counter", User),

        // Sensor/Event (04h)
        (0x04, 0x02, "Platform Event", Operator),
        (0x04, 0x10, "Get PEF Capabilities", User),
        (0x04, 0x11, "Arm PEF Postpone Timer", Admin),
        (0x04, 0x12, "Set PEF Configuration Parameters", Admin),
        (0x04, 0x13, "Get PEF Configuration Parameters", Operator),
        (0x04, 0x14, "Set Last Processed Event ID", Admin),
        (0x04, 0x15, "Get Last Processed Event ID", Admin),
        (0x04, 0x24, "Set Sensor Hysteresis", Operator),
        (0x04, 0x25, "Get Sensor Hysteresis", User),
        (0x04, 0x26, "Set Sensor Threshold", Operator),
        (0x04, 0x27, "Get Sensor Threshold", User),
        (0x04, 0x28, "Set Sensor Event Enable", Operator),
        (0x04, 0x29, "Get Sensor Event Enable", User),
        (0x04, 0x2D, "Get Sensor Reading", User),

        // App (06h)
        (0x06, 0x01, "Get Device ID", User),
        (0x06, 0x02, "Cold Reset", Admin),
        (0x06, 0x04, "Get Self Test Results", User),
        (0x06, 0x08, "Get Device GUID", User),
        (0x06, 0x22, "Reset Watchdog Timer", Operator),
        (0x06, 0x24, "Set Watchdog Timer", Operator),
        (0x06, 0x25, "Get Watchdog Timer", User),
        (0x06, 0x40, "Set Channel Access", Admin),
        (0x06, 0x41, "Get Channel Access", User),
        (0x06, 0x42, "Get Channel Info", User),
        (0x06, 0x43, "Set User Access", Admin),
        (0x06, 0x44, "Get User Access", Operator),
        (0x06, 0x45, "Set User Name", Admin),
        (0x06, 0x46, "Get User Name", Operator),
        (0x06, 0x47, "Set User Password", Admin),
        (0x06, 0x56, "Set Channel Security Keys", Admin),

        // Storage (0Ah)
        (0x0A, 0x10, "Get FRU Inventory Area Info", User),
        (0x0A, 0x11, "Read FRU Data", User),
        (0x0A, 0x12, "Write FRU Data", Operator),
        (0x0A, 0x20, "Get SDR Repository Info", User),
        (0x0A, 0x22, "Reserve SDR Repository", User),
        (0x0A, 0x23, "Get SDR", User),
        (0x0A, 0x40, "Get SEL Info", User),
        (0x0A, 0x42, "Reserve SEL", User),
        (0x0A, 0x43, "Get SEL Entry", User),
        (0x0A, 0x44, "Add SEL Entry", Operator),
        (0x0A, 0x46, "Delete SEL Entry", Operator),
        (0x0A, 0x47, "Clear SEL", Operator),
        (0x0A, 0x48, "Get SEL Time", User),
        (0x0A, 0x49, "Set SEL Time", Operator),

        // Transport (0Ch)
        (0x0C, 0x01, "Set LAN Configuration Parameters", Admin),
        (0x0C, 0x02, "Get LAN Configuration Parameters", Operator),
        (0x0C, 0x21, "Set SOL Configuration Parameters", Admin),
        (0x0C, 0x22, "Get SOL Configuration Parameters", User),

        // DCMI (group extension 2Ch): readings for anyone, the power limit for operators
        (0x2C, 0x01, "Get DCMI Capabilities Info", User),
        (0x2C, 0x02, "Get Power Reading", User),
        (0x2C, 0x03, "Get Power Limit", User),
        (0x2C, 0x04, "Set Power Limit", Operator),
        (0x2C, 0x05, "Activate/Deactivate Power Limit", Operator),

        // OEM (30h), bmc/Appliance.Bmc.Ipmi/README.md: the panel PIN and the join token are secrets
        (0x30, 0x70, "Set Front Panel PIN", Admin),
        (0x30, 0x71, "Get Cluster Join", Admin),
        (0x30, 0x72, "Set Cluster Join", Admin),
        (0x30, 0x73, "Report Cluster Membership (system interface only)", Admin),
        (0x30, 0x74, "Get Cluster Membership", Operator),
    ];

    [Fact]
    public async Task Every_command_needs_the_privilege_its_specification_gives_it()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        var declared = bmc.Service.Commands.Table.Declared.ToList();
        var wrong = new List<string>();

        foreach ((NetFn netFn, byte command, PrivilegeLevel required) in declared)
        {
            var specified = Specified.Where(s => s.NetFn == (byte)netFn && s.Command == command).ToArray();
            if (specified.Length != 1)
            {
                wrong.Add($"{(byte)netFn:X2}h/{command:X2}h: served but not in the specification table");
            }
            else if (specified[0].Level != required)
            {
                wrong.Add($"{specified[0].Name} ({(byte)netFn:X2}h/{command:X2}h): needs {required}, the specification says {specified[0].Level}");
            }
        }

        foreach (var missing in Specified.Where(s => !declared.Any(d => (byte)d.NetFn == s.NetFn && d.Command == s.Command)))
        {
            wrong.Add($"{missing.Name} ({missing.NetFn:X2}h/{missing.Command:X2}h): in the table, not served");
        }

        Assert.Empty(wrong);
    }

    /// <summary>
    /// The commands the session layer answers itself (outside the command table): Appendix G gives
    /// them all to User or less, so a User session gets each answered, never D4h.
    /// </summary>
    [Fact]
    public async Task The_session_layers_own_commands_answer_a_user_session()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        await using IpmiSession session = await bmc.Client(InProcessBmc.ReadOnlyUser, InProcessBmc.ReadOnlyPassword, privilege: PrivilegeLevel.User).OpenSessionAsync();
        (string Name, byte Command, byte[] Data)[] commands =
        [
            ("Get System GUID", 0x37, []),
            ("Get Channel Authentication Capabilities", 0x38, [0x8E, 0x02]),
            ("Set Session Privilege Level (User)", 0x3B, [0x02]),
            ("Get Session Info (this session)", 0x3D, [0x00]),
            ("Get Payload Activation Status (SOL)", 0x4A, [0x01]),
            ("Get Payload Instance Info (SOL 1)", 0x4B, [0x01, 0x01]),
            ("Get Channel Payload Support", 0x4E, [0x0E]),
            ("Get Channel Payload Version (SOL)", 0x4F, [0x0E, 0x01]),
            ("Get Channel Cipher Suites", 0x54, [0x0E, 0x00, 0x80]),
        ];

        var wrong = new List<string>();
        foreach ((string name, byte command, byte[] data) in commands)
        {
            IpmiResponse response = await session.SendAsync(NetFn.App, command, data);
            if (response.CompletionCode != CompletionCode.Normal)
            {
                wrong.Add($"{name} (06h/{command:X2}h) as User: completion code {response.CompletionCode:X2}h");
            }
        }

        Assert.Empty(wrong);
    }
}
