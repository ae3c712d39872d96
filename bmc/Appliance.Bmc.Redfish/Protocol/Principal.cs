using Appliance.Bmc.Accounts;
using Appliance.Bmc.Redfish.Sessions;

namespace Appliance.Bmc.Redfish.Protocol;

/// <summary>Who is making a request: the account, and the session when it came with a token.</summary>
public sealed record Principal(Account Account, RedfishSession? Session)
{
    public Privilege Privileges => Roles.PrivilegesOf(Account.Role);

    public bool Has(Privilege privilege) => (Privileges & privilege) == privilege;

    public string AccountUri => $"/redfish/v1/AccountService/Accounts/{Account.Id}";
}
