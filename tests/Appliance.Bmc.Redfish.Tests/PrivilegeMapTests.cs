using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// Every route and method the service declares, called as each standard role and with no
/// credentials, answers as the declared privilege map says: a caller without the privilege gets
/// 403 InsufficientPrivilege (401 without credentials), one with it is never refused. Writes the
/// caller may make carry malformed JSON (DELETEs name nothing that exists), so nothing changes.
/// </summary>
public sealed partial class PrivilegeMapTests : PausedRigTests
{
    [Fact]
    public async Task Every_route_and_method_answers_each_role_as_the_declared_privilege_map_says()
    {
        var clients = Roles.Redfish.ToDictionary(role => role, role => Rig.ClientAs(role, "as-" + role.ToString().ToLowerInvariant()));
        using HttpClient anonymous = Rig.Client();
        var wrong = new List<string>();
        int calls = 0;
        int refusals = 0;
        int sessionsBefore = Rig.Service.Services.Sessions.All.Count;
        int accountsBefore = Rig.Host.Accounts.List().Count;

        foreach (RedfishResource resource in Rig.Service.Services.Router.Resources)
        {
            string path = Parameter().Replace(resource.Template, "privilege-probe");
            if (resource.Get is not null)
            {
                foreach ((AccountRole role, HttpClient client) in clients)
                {
                    (HttpStatusCode status, _, _) = await client.SendAsync(HttpMethod.Get, path);
                    calls++;
                    if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.InternalServerError)
                    {
                        wrong.Add($"GET {path} as {role}: {(int)status}");
                    }
                }

                (HttpStatusCode anonymousStatus, _, _) = await anonymous.SendAsync(HttpMethod.Get, path);
                if (!resource.AnonymousGet && anonymousStatus != HttpStatusCode.Unauthorized)
                {
                    wrong.Add($"GET {path} without credentials: {(int)anonymousStatus}, not 401");
                }
            }

            foreach (string method in new[] { "PATCH", "POST", "DELETE" })
            {
                if (!resource.TryGetWrite(method, out Privilege needed, out _) || needed == Privilege.None)
                {
                    continue;
                }

                var verb = new HttpMethod(method);
                string? body = method == "DELETE" ? null : "{";
                foreach ((AccountRole role, HttpClient client) in clients)
                {
                    bool may = (Roles.PrivilegesOf(role) & needed) == needed;
                    (HttpStatusCode status, JsonObject? error, _) = await client.SendAsync(verb, path, body);
                    calls++;
                    if (!may)
                    {
                        refusals++;
                        if (status != HttpStatusCode.Forbidden || !Http.MessageIds(error).SequenceEqual(["Base.InsufficientPrivilege"]))
                        {
                            wrong.Add($"{method} {path} as {role} (lacks {needed}): {(int)status}, not 403 InsufficientPrivilege");
                        }
                    }
                    else if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.InternalServerError)
                    {
                        wrong.Add($"{method} {path} as {role} (has {needed}): {(int)status}");
                    }
                }

                (HttpStatusCode anonymousStatus, _, _) = await anonymous.SendAsync(verb, path, body);
                if (anonymousStatus != HttpStatusCode.Unauthorized)
                {
                    wrong.Add($"{method} {path} without credentials: {(int)anonymousStatus}, not 401");
                }
            }
        }

        Assert.Empty(wrong);
        Assert.True(calls > 200 && refusals > 30, $"{calls} calls, {refusals} refusals: fewer routes than the service has");
        Assert.Equal(sessionsBefore, Rig.Service.Services.Sessions.All.Count);
        Assert.Equal(accountsBefore, Rig.Host.Accounts.List().Count);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
