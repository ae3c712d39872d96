using Appliance.Cluster.Bmc;
using Appliance.Cluster.Configuration;
using Appliance.Cluster.Controller;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.State;
using Appliance.Cluster.Store;
using Appliance.Ipmi.Client;
using Appliance.Ipmi.SystemInterface;
using Etcdserverpb;
using Grpc.Core;

namespace Appliance.Cluster.Membership;

/// <summary>
/// The node's life in the cluster. Not joined: it waits for <c>appliance cluster init</c> or
/// <c>join</c> on the control socket, or for a token its BMC holds. Joined (its certificate is on
/// disk, so also after a reboot): it starts its etcd member if it holds a seat, keeps a lease and its
/// "alive" key, follows the seat the controller gives it, registers its capacity and BMC account,
/// and stands for controller. Stopped in good order (SIGTERM, as the host's shutdown stops it), it
/// tells the cluster that its host is shutting down (so that it is taken as powered off, not lost, once
/// its BMC says off) and hands its etcd seat over while another node is on to take it.
/// </summary>
public sealed class NodeLifecycle(
    ClusterOptions options,
    StateFiles files,
    EtcdMember etcd,
    ClusterMember member,
    JoinClient joinClient,
    HostBmc hostBmc,
    ClusterController controller,
    ILogger<NodeLifecycle> logger) : BackgroundService
{
    private static readonly TimeSpan InBandPoll = TimeSpan.FromSeconds(3);
    /// <summary>What leaving may take, well within the time the host's shutdown gives the service (30 s).</summary>
    private static readonly TimeSpan LeaveLimit = TimeSpan.FromSeconds(15);
    private volatile bool _leaving;
    private TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Init and every way of joining hold this, so a node joins once.</summary>
    public SemaphoreSlim JoinLock { get; } = new(1, 1);

    public void NotifyJoined() => _joined.TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        files.EnsureCreated();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (files.LoadIdentity() is { } identity)
                    await RunMemberAsync(identity, ct);
                else
                    await WaitForJoinAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The node's membership failed; starting over");
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await LeaveAsync(cancellationToken);
        await base.StopAsync(cancellationToken);
    }

    /// <summary>
    /// Before the lease goes (the service still runs, and the controller with it when it is here): the
    /// shut-down mark, then the seat handover. Whatever fails here, the host shuts down all the same; the
    /// cluster then sees a node without its lease, as after a crash.
    /// </summary>
    private async Task LeaveAsync(CancellationToken ct)
    {
        long lease = member.Lease;
        if (member.Store is not { } store || lease == 0) return;
        _leaving = true;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(LeaveLimit);
        try
        {
            await store.PutAsync(Keys.ShutDown + options.NodeName, new ShutDownRecord(lease, DateTimeOffset.UtcNow), StoreJsonContext.Default.ShutDownRecord, ct: limit.Token);
            logger.LogInformation("Stopping in good order: the cluster takes {Node} as powered off, not lost, once its BMC says off", options.NodeName);
            if (etcd.Seat is not null && !etcd.Removed
                && (await store.ListAsync(Keys.Alive, StoreJsonContext.Default.AliveRecord, limit.Token)).Any(a => a.Name != options.NodeName))
            {
                var outcome = await SeatHandoverRequest.AskAsync(store, options.NodeName, limit.Token);
                if (outcome.State == "done") logger.LogInformation("Seat handed over: {Outcome}", outcome.Message);
                else logger.LogWarning("This node's etcd seat was not handed over: {Outcome}", outcome.Message);
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException)
        {
            logger.LogWarning("Leaving the cluster in good order did not finish: {Error}", e is RpcException r ? r.Status.Detail : "it took too long");
        }
    }

    private async Task WaitForJoinAsync(CancellationToken ct)
    {
        _joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (files.IsMember) return;
        logger.LogInformation(hostBmc.Available
            ? "Not a member of a cluster: waiting for a join token from the BMC ({Interface}) or 'appliance cluster init/join' on {Socket}"
            : "Not a member of a cluster: waiting for 'appliance cluster init/join' on {Socket}{Interface}",
            hostBmc.Available ? hostBmc.Path : "", options.ControlSocket);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task inBand = hostBmc.Available ? JoinInBandAsync(stop.Token) : Task.CompletedTask;
        await _joined.Task.WaitAsync(ct);
        await stop.CancelAsync();
        try
        {
            await inBand;
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Polls the BMC for a token (Get Cluster Join) and joins with it; a refusal is reported to the BMC (the panel shows it)
    /// and that token is not tried again.</summary>
    private async Task JoinInBandAsync(CancellationToken ct)
    {
        string? refused = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var join = await hostBmc.ReadJoinAsync(ct);
                if (join is { Token: { } token, Address: { } address } && token != refused)
                    refused = await TryJoinInBandAsync(token, address, ct) ? null : token;
            }
            catch (IpmiException e)
            {
                logger.LogDebug("The BMC gave no join token: {Error}", e.Message);
            }
            await Task.Delay(InBandPoll, ct);
        }
    }

    private async Task<bool> TryJoinInBandAsync(string token, string address, CancellationToken ct)
    {
        try
        {
            logger.LogInformation("Joining the cluster at {Address} with the token from the BMC", address);
            await JoinAsync(token, address, ct);
            return true;
        }
        catch (JoinRefusedException e)
        {
            logger.LogWarning("The cluster at {Address} refused the BMC's join token: {Reason}", address, e.Message);
            return false;
        }
        catch (JoinUnreachableException e)
        {
            logger.LogWarning("Joining through {Address} failed, trying again: {Reason}", address, e.Message);
            return true; // not refused: the same token is tried again
        }
        catch (InvalidOperationException)
        {
            return true; // joined meanwhile through the control socket
        }
    }

    /// <summary>
    /// Joins with a token, from the BMC or from <c>appliance cluster join</c>; the BMC hears "joining",
    /// then the refusal and its reason when there is one (the front panel shows it).
    /// </summary>
    /// <exception cref="JoinRefusedException">The token is malformed, for another cluster, or refused.</exception>
    /// <exception cref="JoinUnreachableException">The cluster API could not be reached.</exception>
    /// <exception cref="InvalidOperationException">This node is already a member.</exception>
    public async Task<NodeIdentity> JoinAsync(string? token, string? address, CancellationToken ct)
    {
        await JoinLock.WaitAsync(ct);
        try
        {
            if (files.LoadIdentity() is { } existing)
                throw new InvalidOperationException($"this node is already a member of cluster '{existing.ClusterName}'");
            await ReportQuietlyAsync(ClusterMembershipState.Joining, "", "", ct);
            try
            {
                var identity = await joinClient.JoinAsync(token, address, ct);
                NotifyJoined();
                return identity;
            }
            catch (JoinRefusedException e)
            {
                await ReportQuietlyAsync(ClusterMembershipState.Refused, "", e.Message, ct);
                throw;
            }
        }
        finally
        {
            JoinLock.Release();
        }
    }

    private async Task RunMemberAsync(NodeIdentity identity, CancellationToken ct)
    {
        var seat = etcd.SavedSeat();
        var endpoints = identity.Membership.EtcdEndpoints.ToList();
        string ownUrl = options.EtcdClientUrl.ToString().TrimEnd('/');
        if (seat is not null)
        {
            endpoints.Remove(ownUrl);
            endpoints.Insert(0, ownUrl);
        }
        using var store = new EtcdStore(identity.Ca, identity.Certificate, endpoints);
        member.Attach(identity, store); // the API answers from now on, while etcd comes up
        if (seat is not null)
        {
            try
            {
                await etcd.StartAsync(seat, ct);
            }
            catch (InvalidOperationException e)
            {
                logger.LogWarning("This node's etcd member did not start: {Error}", e.Message);
            }
        }

        logger.LogInformation("Member {Node} of cluster {Cluster}: etcd at {Endpoints}", identity.NodeName, identity.ClusterName, string.Join(", ", endpoints));
        try
        {
            await Task.WhenAll(
                LeaseLoopAsync(store, ct),
                SeatLoopAsync(store, ct),
                EndpointLoopAsync(store, identity, ct),
                RegisterAsync(store, identity, ct));
        }
        finally
        {
            long lease = member.Lease;
            member.Detach();
            if (lease != 0)
            {
                // Leaving in good order: the others see this node gone now, not a lease TTL later.
                await RevokeQuietlyAsync(store, lease);
            }
        }
    }

    /// <summary>The node's lease and alive key; while it holds them it stands for controller, and leads while elected.</summary>
    private async Task LeaseLoopAsync(EtcdStore store, CancellationToken ct)
    {
        long abandoned = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                long lease = await store.GrantLeaseAsync(options.LeaseTtl, ct);
                await store.PutAsync(Keys.Alive + options.NodeName, new AliveRecord(options.NodeName, DateTimeOffset.UtcNow), StoreJsonContext.Default.AliveRecord, lease, ct);
                member.Lease = lease;
                // Up again: whatever an earlier shutdown said no longer holds.
                if (!_leaving) await store.DeleteAsync(Keys.ShutDown + options.NodeName, ct);
                if (abandoned != 0)
                {
                    // etcd may still hold the lease this node gave up (a new etcd leader extends every
                    // lease); its election key would hold the controller role, or this node's new
                    // candidacy, until it ran out. The alive key has moved to the new lease already.
                    await RevokeQuietlyAsync(store, abandoned);
                    abandoned = 0;
                }
                using var held = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var campaign = CampaignAsync(store, lease, held.Token);
                await KeepAliveAsync(store, lease, ct);
                logger.LogWarning("This node's etcd lease {Lease:x} was lost; taking a new one", lease);
                member.Lease = 0;
                abandoned = lease;
                await held.CancelAsync();
                await campaign;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Whatever etcd's client throws (a connection attempt to a member that died surfaces as
                // a cancellation, not an RpcException), the node keeps trying: without a lease it is
                // not a member, and no controller could be elected.
                logger.LogDebug("No lease yet: {Error}", e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
        }
    }

    private static async Task RevokeQuietlyAsync(EtcdStore store, long lease)
    {
        try
        {
            await store.Client.LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease }, deadline: DateTime.UtcNow.AddSeconds(2));
        }
        catch (RpcException)
        {
            // Gone already (expired), or etcd is busy: it runs out by itself.
        }
    }

    /// <summary>Refreshes the lease every third of its TTL; returns when etcd says it expired or no refresh got through for a whole TTL.
    /// Every wait is bounded: a stream to a member that died mid-call must not hold the node's lease hostage.</summary>
    private async Task KeepAliveAsync(EtcdStore store, long lease, CancellationToken ct)
    {
        var last = DateTime.UtcNow;
        var every = options.LeaseTtl / 3;
        while (!ct.IsCancellationRequested && DateTime.UtcNow - last < options.LeaseTtl)
        {
            try
            {
                using var call = new Lease.LeaseClient(store.StreamInvoker).LeaseKeepAlive(cancellationToken: ct);
                while (!ct.IsCancellationRequested)
                {
                    using var step = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    step.CancelAfter(every);
                    await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = lease }, step.Token);
                    if (!await call.ResponseStream.MoveNext(step.Token)) break;
                    if (call.ResponseStream.Current.TTL <= 0) return;
                    last = DateTime.UtcNow;
                    await Task.Delay(every, ct);
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // This stream's member went away or is slow; the next stream goes to another.
                logger.LogDebug("Lease keep-alive stream failed: {Error}", e.Message);
                await Task.Delay(100, ct);
            }
        }
    }

    private async Task CampaignAsync(EtcdStore store, long lease, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var elected = await store.Client.CampaignAsync(Keys.Controller, lease, options.NodeName, cancellationToken: ct);
                member.ControllerKey = elected.Leader;
                logger.LogInformation("This node ({Node}) is the cluster controller", options.NodeName);
                try
                {
                    await controller.RunAsync(ct);
                }
                finally
                {
                    member.ControllerKey = null;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // The member holding the campaign went away, or the client moved to other members: stand again.
                logger.LogDebug("Controller campaign interrupted: {Error}", e is RpcException r ? r.Status.Detail : e.Message);
                await Task.Delay(500, CancellationToken.None);
            }
        }
    }

    /// <summary>Follows the seat the controller gives this node: starts its etcd member for it, stops and forgets it when the seat goes.</summary>
    private async Task SeatLoopAsync(EtcdStore store, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var seat = await store.GetValueAsync(Keys.Seats + options.NodeName, StoreJsonContext.Default.EtcdSeat, ct);
                if (seat is not null)
                {
                    bool removedFromThisSeat = etcd.Removed && etcd.Seat?.MemberId == seat.MemberId;
                    if (etcd.Seat?.MemberId != seat.MemberId || (etcd.ProcessId is null && !removedFromThisSeat))
                    {
                        logger.LogInformation("This node holds etcd seat {Member}: starting its member", seat.MemberId);
                        await etcd.StartAsync(seat, ct);
                    }
                }
                else if (etcd.Seat is not null || etcd.SavedSeat() is not null)
                {
                    await etcd.StopAsync(forget: true);
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogDebug("Seat check failed: {Error}", e.Message);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <summary>Keeps the client on the current voters and membership.json up to date, so a reboot finds the cluster.</summary>
    private async Task EndpointLoopAsync(EtcdStore store, NodeIdentity identity, CancellationToken ct)
    {
        var saved = identity.Membership;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var members = await store.MembersAsync(ct);
                var voters = members.Where(m => !m.IsLearner).SelectMany(m => m.ClientURLs).Order(StringComparer.Ordinal).ToList();
                // This node's own voter first, then the voters whose node is alive: a member whose
                // power was cut stays a voter until the controller removes it, and every connection
                // attempt to it waits out the connect timeout.
                var alive = (await store.ListAsync(Keys.Alive, StoreJsonContext.Default.AliveRecord, ct)).Select(a => a.Name).ToHashSet();
                var preferred = members.Where(m => !m.IsLearner && m.Name == options.NodeName)
                    .Concat(members.Where(m => !m.IsLearner && m.Name != options.NodeName && (m.Name.Length == 0 || alive.Contains(m.Name))).OrderBy(m => m.Name, StringComparer.Ordinal))
                    .SelectMany(m => m.ClientURLs).ToList();
                store.UseEndpoints(preferred.Count > 0 ? preferred : voters);
                var apis = (await store.ListAsync(Keys.Nodes, StoreJsonContext.Default.NodeRecord, ct))
                    .Select(n => n.Value.ClusterApi).OfType<string>().Order(StringComparer.Ordinal).ToList();
                if (voters.Count > 0 && (!voters.SequenceEqual(saved.EtcdEndpoints) || !apis.SequenceEqual(saved.ApiEndpoints)))
                {
                    saved = saved with { EtcdEndpoints = voters, ApiEndpoints = apis };
                    files.SaveMembership(saved);
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogDebug("Membership refresh failed: {Error}", e.Message);
            }
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
        }
    }

    /// <summary>Writes the node's record (addresses, capacity), makes its BMC account in-band, and becomes a member; retries what fails.</summary>
    private async Task RegisterAsync(EtcdStore store, NodeIdentity identity, CancellationToken ct)
    {
        bool bmcDone = !hostBmc.Available;
        bool registered = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var existing = await store.GetValueAsync(Keys.Nodes + options.NodeName, StoreJsonContext.Default.NodeRecord, ct);
                var capacity = await AgentCapacity.ReadAsync(options.NodeAgent, ct);
                BmcEndpoint? bmc = null;
                if (!bmcDone)
                {
                    bmc = await ProvisionBmcAsync(store, identity, ct);
                    bmcDone = true;
                }
                var record = NodeRecords.ForThisNode(options, NodeRecord.Member, capacity, bmc, existing);
                if (record != existing) await store.PutAsync(Keys.Nodes + options.NodeName, record, StoreJsonContext.Default.NodeRecord, ct: ct);
                if (!registered)
                {
                    registered = true;
                    logger.LogInformation("Node {Node} is ready: capacity {Capacity}, BMC {Bmc}", options.NodeName,
                        record.Capacity is { } c ? $"{c.Cpus} CPUs, {c.MemoryMiB} MiB" : "unknown (agent not answering)", record.Bmc?.ToString() ?? "unknown");
                    if (hostBmc.Available) await ReportQuietlyAsync(ClusterMembershipState.Member, identity.ClusterName, "", ct);
                }
                if (record.Capacity is not null && bmcDone) return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning("Registering the node failed, trying again: {Error}", e.Message);
                bmcDone = bmcDone || e is IpmiException; // a BMC that refuses is tried again at the next boot, not in a loop
            }
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
        }
    }

    /// <summary>Keeps the node's dedicated BMC account: an account stored earlier that still works is kept, otherwise a new one is made.</summary>
    private async Task<BmcEndpoint?> ProvisionBmcAsync(EtcdStore store, NodeIdentity identity, CancellationToken ct)
    {
        string key = Keys.BmcCredentials + options.NodeName;
        var stored = await store.GetValueAsync(key, StoreJsonContext.Default.BmcCredentialRecord, ct);
        var bmc = hostBmc.Interface;
        if (stored is not null && await Appliance.Ipmi.Commands.UserManagement.TestUserPasswordAsync(bmc, (byte)stored.UserId,
                BmcCredentials.OpenPassword(options.NodeName, stored, identity.ClusterKey), ct))
        {
            byte lan = await Appliance.Ipmi.Commands.ChannelCommands.FindLanChannelAsync(bmc, ct);
            return await hostBmc.FindEndpointAsync(lan, ct);
        }
        var account = await BmcAccountProvisioner.CreateAsync(bmc, ct);
        var endpoint = await hostBmc.FindEndpointAsync(account.Channel, ct);
        await store.PutAsync(key, BmcCredentials.Seal(options.NodeName, account, "in-band", identity.ClusterKey), StoreJsonContext.Default.BmcCredentialRecord, ct: ct);
        logger.LogInformation("Made the cluster's account '{User}' (user {Id}) on this node's BMC ({Endpoint})", account.User, account.UserId, endpoint?.ToString() ?? "address unknown");
        return endpoint;
    }

    private async Task ReportQuietlyAsync(ClusterMembershipState state, string cluster, string message, CancellationToken ct)
    {
        if (!hostBmc.Available) return;
        try
        {
            await hostBmc.ReportAsync(state, cluster, message, ct);
        }
        catch (IpmiException e)
        {
            logger.LogWarning("Could not tell the BMC the membership ({State}): {Error}", state, e.Message);
        }
    }
}
