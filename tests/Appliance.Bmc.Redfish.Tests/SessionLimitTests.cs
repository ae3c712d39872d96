using System.Net;
using System.Text.Json.Nodes;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Redfish.Sessions;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// The session table cannot be taken from the administrator: a limit per account below
/// Administrator, a session kept for administrators, idle sessions below Administrator giving way
/// to an administrator's login; and a non-administrator sees and ends only its own sessions.
/// </summary>
public sealed class SessionLimitTests : PausedRigTests
{
    [Fact]
    public async Task An_account_below_administrator_logs_in_until_refused_and_an_administrator_still_gets_in()
    {
        Rig.Host.Accounts.Create("reader", "Reader-pass1", AccountRole.ReadOnly);
        using HttpClient client = Rig.Client();
        var tokens = new List<string>();
        (HttpStatusCode status, JsonObject? body, string? token) last;
        while ((last = await client.LoginAsync("reader", "Reader-pass1")).status == HttpStatusCode.Created)
        {
            tokens.Add(last.token!);
            Assert.True(tokens.Count <= SessionStore.MaxSessions, "never refused");
        }

        (HttpStatusCode adminStatus, _, _) = await client.LoginAsync(RedfishRig.AdminUser, RedfishRig.AdminPassword);

        Assert.Equal(SessionStore.MaxSessionsPerUser, tokens.Count);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, last.status);
        Assert.Equal(["Base.SessionLimitExceeded"], Http.MessageIds(last.body));
        Assert.Equal(HttpStatusCode.Created, adminStatus);
        Assert.True(Rig.Host.Accounts.Find("reader")!.LockedUntil is null); // no room is no failed login
    }

    [Fact]
    public async Task Sessions_below_administrator_leave_one_for_an_administrator_and_idle_ones_give_way_to_the_next()
    {
        using HttpClient client = Rig.Client();
        var readerTokens = new List<string>();
        HttpStatusCode refused = HttpStatusCode.Created;
        for (int account = 0; refused == HttpStatusCode.Created; account++)
        {
            string name = "reader" + account;
            Rig.Host.Accounts.Create(name, "Reader-pass1", AccountRole.ReadOnly);
            for (int i = 0; i < SessionStore.MaxSessionsPerUser; i++)
            {
                (HttpStatusCode status, _, string? token) = await client.LoginAsync(name, "Reader-pass1");
                if (status != HttpStatusCode.Created)
                {
                    refused = status;
                    break;
                }

                readerTokens.Add(token!);
            }
        }

        Assert.Equal(SessionStore.MaxSessions - SessionStore.ReservedForAdministrators, readerTokens.Count);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused);
        (HttpStatusCode first, _, _) = await client.LoginAsync(RedfishRig.AdminUser, RedfishRig.AdminPassword);
        (HttpStatusCode secondWhileBusy, _, _) = await client.LoginAsync(RedfishRig.AdminUser, RedfishRig.AdminPassword);
        Assert.Equal(HttpStatusCode.Created, first);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, secondWhileBusy); // every session is in use: none gives way

        // A minute later, one reader session was used half-way through; the others were idle.
        Rig.Run(TimeSpan.FromSeconds(30));
        using (HttpClient busy = WithToken(readerTokens[0]))
        {
            await busy.GetJsonAsync("/redfish/v1/Systems/system");
        }

        Rig.Run(TimeSpan.FromSeconds(31));
        (HttpStatusCode second, _, _) = await client.LoginAsync(RedfishRig.AdminUser, RedfishRig.AdminPassword);

        Assert.Equal(HttpStatusCode.Created, second);
        Assert.Equal(SessionStore.MaxSessions, Rig.Service.Services.Sessions.All.Count);
        Assert.Equal(SessionStore.MaxSessions - 2, Rig.Service.Services.Sessions.All.Count(s => s.Account.Role != AccountRole.Administrator));
        using HttpClient stillBusy = WithToken(readerTokens[0]);
        await stillBusy.GetJsonAsync("/redfish/v1/Systems/system");
    }

    [Fact]
    public async Task A_non_administrator_sees_and_ends_only_its_own_sessions()
    {
        Rig.Host.Accounts.Create("alice", "Alice-pass1", AccountRole.Operator);
        Rig.Host.Accounts.Create("bob", "Bob-pass-1", AccountRole.ReadOnly);
        using HttpClient client = Rig.Client();
        (_, JsonObject? aliceSession, string? aliceToken) = await client.LoginAsync("alice", "Alice-pass1");
        (_, JsonObject? bobSession, string? bobToken) = await client.LoginAsync("bob", "Bob-pass-1");
        (_, JsonObject? adminSession, _) = await client.LoginAsync(RedfishRig.AdminUser, RedfishRig.AdminPassword);
        string alices = aliceSession!["@odata.id"]!.GetValue<string>();
        string bobs = bobSession!["@odata.id"]!.GetValue<string>();
        string admins = adminSession!["@odata.id"]!.GetValue<string>();
        using HttpClient alice = WithToken(aliceToken!);
        using HttpClient bob = WithToken(bobToken!);

        JsonObject seen = await alice.GetJsonAsync("/redfish/v1/SessionService/Sessions");
        (HttpStatusCode readBobs, _, _) = await alice.SendAsync(HttpMethod.Get, bobs);
        (HttpStatusCode endBobs, _, _) = await alice.SendAsync(HttpMethod.Delete, bobs);
        (HttpStatusCode endAdmins, _, _) = await alice.SendAsync(HttpMethod.Delete, admins);

        Assert.Equal([alices], seen["Members"]!.AsArray().Select(m => m!["@odata.id"]!.GetValue<string>()));
        // Others' sessions are not there for it, to read or to end.
        Assert.Equal(HttpStatusCode.NotFound, readBobs);
        Assert.Equal(HttpStatusCode.NotFound, endBobs);
        Assert.Equal(HttpStatusCode.NotFound, endAdmins);
        await bob.GetJsonAsync("/redfish/v1/Systems/system"); // bob's session lives on
        Assert.Equal(3, Rig.Service.Services.Sessions.All.Count);

        (HttpStatusCode endOwn, _, _) = await alice.SendAsync(HttpMethod.Delete, alices);
        Assert.Equal(HttpStatusCode.OK, endOwn);
        Assert.Equal(2, Rig.Service.Services.Sessions.All.Count);
    }

    private HttpClient WithToken(string token)
    {
        HttpClient client = Rig.Client();
        client.DefaultRequestHeaders.Add("X-Auth-Token", token);
        return client;
    }
}
