using Appliance.Bmc.Accounts;

namespace Appliance.Bmc.Redfish.Protocol;

/// <summary>The Redfish standard privileges (DSP0266 "Privilege model").</summary>
[Flags]
public enum Privilege
{
    None = 0,
    Login = 1,
    ConfigureSelf = 2,
    ConfigureComponents = 4,
    ConfigureManager = 8,
    ConfigureUsers = 16,
}

/// <summary>The standard roles' privileges, the map every Redfish client expects.</summary>
public static class Roles
{
    public static readonly AccountRole[] Redfish = [AccountRole.Administrator, AccountRole.Operator, AccountRole.ReadOnly];

    public static Privilege PrivilegesOf(AccountRole role) => role switch
    {
        AccountRole.Administrator => Privilege.Login | Privilege.ConfigureSelf | Privilege.ConfigureComponents | Privilege.ConfigureManager | Privilege.ConfigureUsers,
        AccountRole.Operator => Privilege.Login | Privilege.ConfigureSelf | Privilege.ConfigureComponents,
        AccountRole.ReadOnly => Privilege.Login | Privilege.ConfigureSelf,
        _ => Privilege.None,
    };

    public static string IdOf(AccountRole role) => role.ToString();

    public static AccountRole? Parse(string roleId) => roleId switch
    {
        "Administrator" => AccountRole.Administrator,
        "Operator" => AccountRole.Operator,
        "ReadOnly" => AccountRole.ReadOnly,
        _ => null,
    };

    public static IEnumerable<string> Names(Privilege privileges) =>
        Enum.GetValues<Privilege>().Where(p => p != Privilege.None && privileges.HasFlag(p)).Select(p => p.ToString());
}
