using System.Net;
using System.Text.Json.Nodes;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Cluster;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// Managers/bmc Oem.Appliance.Cluster: the join token (write-only) and cluster address the host
/// joins with, set by an administrator's PATCH, and the membership the host reported in-band.
/// </summary>
public sealed class ClusterOemTests : IAsyncLifetime
{
    private const string Manager = "/redfish/v1/Managers/bmc";
    private const string Token = "k3j9x2.abcdefgh01234567.aaaabbbbccccddddeeeeffffgg";
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task An_administrator_sets_and_clears_the_token_and_address_and_the_token_is_never_read_back()
    {
        using HttpClient admin = _rig.Admin();
        JsonObject cluster = Cluster(await admin.GetJsonAsync(Manager));
        Assert.Equal("""{"JoinToken":null,"ClusterAddress":null,"Membership":"None","ClusterName":null,"NodeName":null,"HostAddress":null,"Message":null}""",
            cluster.ToJsonString());

        (HttpStatusCode status, JsonObject? manager, _) = await admin.SendAsync(HttpMethod.Patch, Manager,
            """{"Oem": {"Appliance": {"Cluster": {"JoinToken": "TOKEN", "ClusterAddress": "10.77.0.1:7443"}}}}""".Replace("TOKEN", Token, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, status);
        cluster = Cluster(manager!);
        Assert.Equal(("k3j9x2.****", "10.77.0.1:7443", "Joining"),
            (cluster["JoinToken"]!.GetValue<string>(), cluster["ClusterAddress"]!.GetValue<string>(), cluster["Membership"]!.GetValue<string>()));
        Assert.DoesNotContain("abcdefgh01234567", (await admin.GetJsonAsync(Manager)).ToJsonString());
        Assert.Equal((Token, "10.77.0.1:7443"), (_rig.Host.ClusterJoin.Token, _rig.Host.ClusterJoin.ClusterAddress));

        (status, manager, _) = await admin.SendAsync(HttpMethod.Patch, Manager, """{"Oem": {"Appliance": {"Cluster": {"JoinToken": ""}}}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(Cluster(manager!)["JoinToken"]);
        Assert.Equal(("10.77.0.1:7443", (string?)null), (_rig.Host.ClusterJoin.ClusterAddress, _rig.Host.ClusterJoin.Token));
        (status, _, _) = await admin.SendAsync(HttpMethod.Patch, Manager, """{"Oem": {"Appliance": {"Cluster": {"ClusterAddress": ""}}}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(_rig.Host.ClusterJoin.ClusterAddress);
    }

    [Fact]
    public async Task Bad_values_read_only_properties_and_operators_are_refused_and_change_nothing()
    {
        _rig.Host.ClusterJoin.SetToken(Token);
        _rig.Host.ClusterJoin.SetClusterAddress("cluster.lab:7443");
        using HttpClient admin = _rig.Admin();

        // Every problem at once; the token itself is never echoed.
        (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, Manager,
            """{"Oem": {"Appliance": {"Cluster": {"JoinToken": "Not-A-Token!", "ClusterAddress": "10.77.0.1:99999"}}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueFormatError", "Base.PropertyValueFormatError"], Http.MessageIds(error));
        Assert.DoesNotContain("Not-A-Token!", error!.ToJsonString());
        Assert.Contains("10.77.0.1:99999", error.ToJsonString());

        (status, error, _) = await admin.SendAsync(HttpMethod.Patch, Manager,
            """{"Oem": {"Appliance": {"Cluster": {"ClusterAddress": "10.77.0.9:7443", "Membership": "Member", "Colour": "blue"}}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyNotWritable", "Base.PropertyUnknown"], Http.MessageIds(error));

        (status, error, _) = await admin.SendAsync(HttpMethod.Patch, Manager, """{"Oem": {"Appliance": {"Cluster": {"JoinToken": null}}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueTypeError"], Http.MessageIds(error));

        (status, _, _) = await _rig.ClientAs(AccountRole.Operator, "operator").SendAsync(HttpMethod.Patch, Manager,
            """{"Oem": {"Appliance": {"Cluster": {"JoinToken": ""}}}}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);

        Assert.Equal((Token, "cluster.lab:7443"), (_rig.Host.ClusterJoin.Token, _rig.Host.ClusterJoin.ClusterAddress));
    }

    [Fact]
    public async Task What_the_host_reported_is_shown_read_only()
    {
        _rig.Host.ClusterJoin.ReportMembership(new ClusterReport(ClusterMembership.Refused, "", "n2",
            "join token k3j9x2 expired: make a new one", IPAddress.Parse("10.77.0.2")));
        JsonObject cluster = Cluster(await _rig.Admin().GetJsonAsync(Manager));
        Assert.Equal(("Refused", (string?)null, "n2", "10.77.0.2", "join token k3j9x2 expired: make a new one"),
            (cluster["Membership"]!.GetValue<string>(), cluster["ClusterName"]?.GetValue<string>(), cluster["NodeName"]!.GetValue<string>(),
             cluster["HostAddress"]!.GetValue<string>(), cluster["Message"]!.GetValue<string>()));

        _rig.Host.ClusterJoin.ReportMembership(new ClusterReport(ClusterMembership.Member, "lab", "n2", "", IPAddress.Parse("10.77.0.2")));
        cluster = Cluster(await _rig.Client(RedfishRig.AdminUser, RedfishRig.AdminPassword).GetJsonAsync(Manager));
        Assert.Equal(("Member", "lab", (string?)null), (cluster["Membership"]!.GetValue<string>(), cluster["ClusterName"]!.GetValue<string>(), cluster["Message"]?.GetValue<string>()));
    }

    private static JsonObject Cluster(JsonObject manager) => manager["Oem"]!["Appliance"]!["Cluster"]!.AsObject();
}
