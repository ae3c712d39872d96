using Appliance.Bmc.Accounts;

namespace Appliance.Bmc.Redfish.Sessions;

/// <summary>A logged-in client: the token it sends as X-Auth-Token and the account it acts as.</summary>
public sealed class RedfishSession(string id, string token, Account account, DateTimeOffset created, string? clientAddress, string? context)
{
    public string Id { get; } = id;
    public string Token { get; } = token;
    public Account Account { get; internal set; } = account;
    public DateTimeOffset Created { get; } = created;
    public DateTimeOffset LastUsed { get; internal set; } = created;
    public string? ClientAddress { get; } = clientAddress;
    public string? Context { get; } = context;
    public string Uri => $"/redfish/v1/SessionService/Sessions/{Id}";
}
