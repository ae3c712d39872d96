using Appliance.Ipmi;
using Appliance.Ipmi.Client;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// Every IPMI command the BMC registers, sent in sessions at User, Operator and Administrator
/// privilege, answers as the declared privilege map says: D4h (insufficient privilege) below the
/// command's level, never at or above it. The request data is junk the commands refuse, so the
/// allowed calls change nothing.
/// </summary>
public sealed class PrivilegeMapTests
{
    /// <summary>Report Cluster Membership (OEM 30h/73h): the host's own report, refused over LAN whatever the privilege.</summary>
    private static readonly HashSet<(NetFn, byte)> SystemInterfaceOnly = [((NetFn)0x30, 0x73)];

    [Fact]
    public async Task Every_command_answers_each_privilege_as_the_declared_map_says()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        var declared = bmc.Service.Commands.Table.Declared.ToList();
        (PrivilegeLevel Level, string User, string Password)[] roles =
        [
            (PrivilegeLevel.User, InProcessBmc.ReadOnlyUser, InProcessBmc.ReadOnlyPassword),
            (PrivilegeLevel.Operator, InProcessBmc.OperatorUser, InProcessBmc.OperatorPassword),
            (PrivilegeLevel.Administrator, InProcessBmc.AdminUser, InProcessBmc.AdminPassword),
        ];
        byte[] junk = Enumerable.Repeat((byte)0xFF, 23).ToArray();
        var wrong = new List<string>();
        int refusals = 0;

        foreach ((PrivilegeLevel level, string user, string password) in roles)
        {
            await using IpmiSession session = await bmc.Client(user, password, privilege: level).OpenSessionAsync();
            Assert.Equal(level, session.Privilege);
            foreach ((NetFn netFn, byte command, PrivilegeLevel required) in declared)
            {
                IpmiResponse response = await session.SendAsync(netFn, command, junk);
                if (SystemInterfaceOnly.Contains((netFn, command)))
                {
                    // Only the host may send it: over LAN it is refused at every privilege.
                    if (response.CompletionCode != CompletionCode.InsufficientPrivilege)
                    {
                        wrong.Add($"{netFn} {command:X2}h at {level} over LAN: completion code {response.CompletionCode:X2}h, not D4h");
                    }

                    continue;
                }

                bool may = level >= required;
                refusals += may ? 0 : 1;
                if (may == (response.CompletionCode == CompletionCode.InsufficientPrivilege))
                {
                    wrong.Add($"{netFn} {command:X2}h at {level} (needs {required}): completion code {response.CompletionCode:X2}h");
                }
            }
        }

        Assert.Empty(wrong);
        Assert.True(declared.Count > 50 && refusals > 20, $"{declared.Count} commands, {refusals} refusals: fewer than the BMC has");
        bmc.AssertNoFaults();
    }
}
