using System.Text;
using Appliance.Cluster.Api;
using Appliance.Cluster.Configuration;
using Appliance.Cluster.Controller;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Store;
using Appliance.Ipmi;
using Appliance.Ipmi.Client;
using Appliance.Node.Api;
using Appliance.Node.Configuration;

namespace Appliance.Cluster.Bmc;

/// <summary>
/// <c>appliance node enroll</c>: a node that has never booted becomes known by its BMC, or a node the
/// cluster knows but cannot power (its host could not make the account in-band) gets its BMC. The
/// person's BMC password is used once, over LAN with the project's IPMI client, to make the cluster's
/// dedicated account; the cluster keeps that account (sealed) and never uses or keeps the person's password.
/// </summary>
public sealed class EnrollService(ClusterMember member, BmcPoller poller, ILogger<EnrollService> logger)
{
    public async Task<NodeRecord> EnrollAsync(EnrollRequest? request, CancellationToken ct)
    {
        if (request is null) throw ApiException.BadRequest("", "the request body must name the node and its BMC");
        if (!Names.IsValid(request.Name))
            throw ApiException.BadRequest("name", request.Name is null ? "name is required" : $"node name '{request.Name}' is invalid: {Names.Rule}");
        if (!HostPort.TryParse(request.Bmc, 623, out string host, out int port))
            throw ApiException.BadRequest("bmc", "bmc must be the BMC's HOST or HOST:PORT (IPMI over LAN, port 623 by default)");
        if (request.User is not { Length: > 0 } user || Encoding.ASCII.GetByteCount(user) > 16)
            throw ApiException.BadRequest("user", "user must be the BMC administrator's user name (1 to 16 characters)");
        if (request.Password is not { Length: > 0 } password || Encoding.UTF8.GetByteCount(password) > 20)
            throw ApiException.BadRequest("password", "password must be the BMC administrator's password (1 to 20 bytes)");

        string? redfish = null;
        if (request.Redfish is { } r)
        {
            redfish = Uri.TryCreate(r, UriKind.Absolute, out var uri) && uri.Scheme == "https" && uri.AbsolutePath == "/" && uri.Query.Length == 0
                ? uri.GetLeftPart(UriPartial.Authority)
                : throw ApiException.BadRequest("redfish", "redfish must be the BMC's Redfish service as https://HOST[:PORT]");
        }

        var store = member.RequireStore();
        var identity = member.RequireIdentity();
        var (known, knownRevision) = await store.GetAsync(Keys.Nodes + request.Name, StoreJsonContext.Default.NodeRecord, ct);
        if (known is not null && await store.GetValueAsync(Keys.BmcCredentials + request.Name, StoreJsonContext.Default.BmcCredentialRecord, ct) is not null)
            throw ApiException.Conflict($"node '{request.Name}' is already known with the cluster's account on its BMC ({known.Bmc?.ToString() ?? "no endpoint"})");

        var endpoint = new BmcEndpoint(host, port, redfish);
        var client = new IpmiClient(new IpmiClientOptions
        {
            Host = host,
            Port = port,
            UserName = user,
            Password = password,
            Privilege = PrivilegeLevel.Administrator,
            Timeout = TimeSpan.FromSeconds(1),
            Retries = 2,
        });
        BmcAccount account;
        try
        {
            await using var session = await client.OpenSessionAsync(ct);
            account = await BmcAccountProvisioner.CreateAsync(session, ct);
        }
        catch (IpmiTimeoutException e)
        {
            throw ApiException.BadGateway($"the BMC at {endpoint} did not answer: {e.Message}");
        }
        catch (IpmiSessionException e)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, $"the BMC at {endpoint} did not let {user} in as Administrator: {e.Message}", "password");
        }
        catch (IpmiException e)
        {
            throw ApiException.BadGateway($"the BMC at {endpoint} refused to make the cluster's account: {e.Message}");
        }

        var status = await poller.ReadAsync(endpoint, account.User, account.Password, ct);
        if (status.Error is not null)
            throw ApiException.BadGateway($"the cluster's new account on the BMC at {endpoint} does not log in: {status.Error}");

        var record = known is null
            ? new NodeRecord(request.Name!, NodeRecord.Enrolled, null, null, null, null, null, null, endpoint, DateTimeOffset.UtcNow, null)
            : known with { Bmc = endpoint, EnrolledAt = DateTimeOffset.UtcNow };
        var txn = await store.TxnAsync([EtcdStore.Unchanged(Keys.Nodes + record.Name, knownRevision), EtcdStore.Absent(Keys.BmcCredentials + record.Name)],
        [
            EtcdStore.PutOp(Keys.Nodes + record.Name, record, StoreJsonContext.Default.NodeRecord),
            EtcdStore.PutOp(Keys.BmcCredentials + record.Name, BmcCredentials.Seal(record.Name, account, "enroll", identity.ClusterKey), StoreJsonContext.Default.BmcCredentialRecord),
            EtcdStore.PutOp(Keys.BmcStatus + record.Name, status, StoreJsonContext.Default.BmcStatusRecord),
        ], ct: ct);
        if (!txn.Succeeded) throw ApiException.Conflict($"node '{request.Name}' changed while it was being enrolled; try again");
        logger.LogInformation("Enrolled node {Node}: BMC {Endpoint}, cluster account '{User}' (user {Id}), power {Power}",
            record.Name, endpoint, account.User, account.UserId, status.Power);
        return record;
    }
}
