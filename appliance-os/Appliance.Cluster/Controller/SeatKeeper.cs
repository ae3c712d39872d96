using Appliance.Cluster.Configuration;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.State;
using Appliance.Cluster.Store;
using Appliance.Node.Api;
using Etcdserverpb;
using Grpc.Core;

namespace Appliance.Cluster.Controller;

/// <summary>
/// The etcd seats, kept by the controller: 3 voting members (5 from five nodes on, 1 while fewer
/// than three are on), always on nodes that are on. One change at a time: a node is added as a
/// learner and promoted once it has caught up; a voter whose node lost its lease is removed (and
/// replaced by the next round); a voter beyond the target is removed. Before a node is powered off
/// its seat is handed over (<see cref="HandOverAsync"/>) so that the cluster's own power actions
/// never cost it quorum.
/// </summary>
public sealed class SeatKeeper(ClusterOptions options, ClusterMember member, ILogger<SeatKeeper> logger)
{
    public static readonly TimeSpan PromoteLimit = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, DateTime> _deadSince = [];

    public static int TargetVoters(int nodesOn) => nodesOn >= 5 ? 5 : nodesOn >= 3 ? 3 : 1;

    /// <summary>One round: pending handover requests, then one step towards the target.</summary>
    public async Task ReconcileAsync(CancellationToken ct)
    {
        var store = member.RequireStore();
        await _gate.WaitAsync(ct);
        try
        {
            foreach (var request in await store.ListAsync(Keys.SeatHandover, StoreJsonContext.Default.SeatHandoverRecord, ct))
            {
                if (request.Value.State != "requested")
                {
                    // An outcome nobody collected (the asking member gave up or died) is not kept.
                    if (DateTimeOffset.UtcNow - request.Value.RequestedAt > TimeSpan.FromMinutes(10)) await store.DeleteAsync(Keys.SeatHandover + request.Name, ct);
                    continue;
                }
                SeatHandoverRecord outcome;
                try
                {
                    outcome = request.Value with { State = "done", Message = await HandOverLockedAsync(store, request.Name, ct) };
                }
                catch (Exception e) when (e is ApiException or RpcException)
                {
                    outcome = request.Value with { State = "failed", Message = e is RpcException r ? r.Status.Detail : e.Message };
                }
                await store.PutAsync(Keys.SeatHandover + request.Name, outcome, StoreJsonContext.Default.SeatHandoverRecord, ct: ct);
            }
            await StepAsync(store, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Moves <paramref name="node"/>'s seat before it is powered off: a learner on another node that
    /// is on, promoted once caught up, then the leaving member removed (its service stops its etcd).
    /// With no other node to take the seat, the seat is given up if the cluster keeps quorum without it.
    /// </summary>
    /// <returns>What happened, for the log and the API.</returns>
    /// <exception cref="ApiException">409: giving the seat up would cost quorum, or the new member did not catch up.</exception>
    public async Task<string> HandOverAsync(string node, CancellationToken ct)
    {
        var store = member.RequireStore();
        await _gate.WaitAsync(ct);
        try
        {
            return await HandOverLockedAsync(store, node, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> HandOverLockedAsync(EtcdStore store, string node, CancellationToken ct)
    {
        var snapshot = await ClusterSnapshot.ReadAsync(store, ct);
        var seats = await Seats(store, ct);
        long lease = snapshot.Alive.TryGetValue(node, out var alive) ? alive.Lease : 0;
        await store.PutAsync(Keys.SeatReleased + node, new SeatReleasedRecord(lease, DateTimeOffset.UtcNow), StoreJsonContext.Default.SeatReleasedRecord, ct: ct);

        var members = await store.MembersAsync(ct);
        var leaving = members.FirstOrDefault(m => NameOf(m, seats) == node);
        if (leaving is null) return $"{node} holds no etcd seat";
        if (leaving.IsLearner)
        {
            await RemoveAsync(store, leaving, node, "it is about to be powered off", ct);
            return $"{node}'s learner was removed";
        }

        // A learner added earlier finishes first: one change at a time.
        if (members.FirstOrDefault(m => m.IsLearner) is { } pending && !await PromoteWhenCaughtUpAsync(store, pending, ct))
        {
            await RemoveAsync(store, pending, NameOf(pending, seats) ?? pending.ID.ToString("x"), "it did not catch up", ct);
        }

        string? successor = null;
        var released = (await store.ListAsync(Keys.SeatReleased, StoreJsonContext.Default.SeatReleasedRecord, ct)).Select(r => r.Name).ToHashSet();
        members = await store.MembersAsync(ct);
        seats = await Seats(store, ct);
        var candidate = Candidates(snapshot, members, seats, released).FirstOrDefault();
        if (candidate is not null)
        {
            var learner = await AddLearnerAsync(store, candidate, ct);
            if (!await PromoteWhenCaughtUpAsync(store, learner, ct))
            {
                await RemoveAsync(store, learner, candidate.Name, "it did not catch up", ct);
                await store.DeleteAsync(Keys.SeatReleased + node, ct);
                throw ApiException.Conflict($"{candidate.Name}'s etcd member did not catch up within {PromoteLimit.TotalSeconds:0} s; {node} keeps its seat");
            }
            successor = candidate.Name;
            members = await store.MembersAsync(ct);
        }

        var voters = members.Where(m => !m.IsLearner).ToList();
        var others = voters.Where(m => m.ID != leaving.ID).ToList();
        int othersUp = others.Count(m => NameOf(m, seats) is { } n && snapshot.IsAlive(n));
        if (others.Count == 0 || othersUp <= others.Count / 2)
        {
            await store.DeleteAsync(Keys.SeatReleased + node, ct);
            throw ApiException.Conflict(others.Count == 0
                ? $"{node} holds the only etcd seat and no other node is on to take it: powering it off would stop the cluster"
                : $"powering {node} off now would cost the cluster its quorum: {othersUp} of the {others.Count} other voters are up");
        }

        await MoveLeaderAwayAsync(store, leaving, others, ct);
        await RemoveAsync(store, leaving, node, "it is about to be powered off", ct);
        return successor is null
            ? $"{node} gave up its etcd seat (no other node is on to take it); {others.Count} voter(s) remain"
            : $"{node}'s etcd seat moved to {successor}";
    }

    private async Task StepAsync(EtcdStore store, CancellationToken ct)
    {
        var snapshot = await ClusterSnapshot.ReadAsync(store, ct);
        var members = await store.MembersAsync(ct);
        var seats = await Seats(store, ct);
        var released = await store.ListAsync(Keys.SeatReleased, StoreJsonContext.Default.SeatReleasedRecord, ct);

        // A release lasts as long as the lease the node had: after a reboot it may hold a seat again.
        foreach (var r in released.Where(r => !snapshot.Alive.TryGetValue(r.Name, out var a) || a.Lease != r.Value.Lease).ToList())
        {
            if (snapshot.IsAlive(r.Name)) await store.DeleteAsync(Keys.SeatReleased + r.Name, ct);
        }
        var releasedNames = released.Where(r => snapshot.Alive.TryGetValue(r.Name, out var a) && a.Lease == r.Value.Lease).Select(r => r.Name).ToHashSet();

        // Seats whose member is gone (a removal the last controller did not finish).
        var ids = members.Select(m => m.ID.ToString("x")).ToHashSet();
        foreach (var (name, seat) in seats.Where(s => !ids.Contains(s.Value.MemberId)))
        {
            logger.LogInformation("Seat {Member} of {Node} has no etcd member any more; removing it", seat.MemberId, name);
            await store.DeleteAsync(Keys.Seats + name, ct);
        }

        foreach (var name in _deadSince.Keys.Where(snapshot.IsAlive).ToList()) _deadSince.Remove(name);
        bool Dead(string? name)
        {
            if (name is null) return true;
            if (snapshot.IsAlive(name)) return false;
            var since = _deadSince.TryGetValue(name, out var t) ? t : _deadSince[name] = DateTime.UtcNow;
            return DateTime.UtcNow - since >= options.LeaseTtl * 2;
        }

        if (members.FirstOrDefault(m => m.IsLearner) is { } learner)
        {
            string? name = NameOf(learner, seats);
            if (Dead(name))
            {
                await RemoveAsync(store, learner, name ?? learner.ID.ToString("x"), "its node is not on", ct);
                return;
            }
            if (await TryPromoteAsync(store, learner, ct)) logger.LogInformation("Promoted {Node}'s etcd member to voter", name);
            return;
        }

        var voters = members.Where(m => !m.IsLearner).ToList();
        foreach (var voter in voters)
        {
            string? name = NameOf(voter, seats);
            if (voters.Count > 1 && Dead(name))
            {
                await RemoveAsync(store, voter, name ?? voter.ID.ToString("x"), "its node lost its lease", ct);
                return;
            }
        }

        var on = snapshot.Alive.Keys.Where(n => !releasedNames.Contains(n) && snapshot.Nodes.ContainsKey(n)).ToList();
        int target = TargetVoters(on.Count);
        var liveVoters = voters.Where(v => NameOf(v, seats) is { } n && snapshot.IsAlive(n)).ToList();
        if (liveVoters.Count < target)
        {
            if (Candidates(snapshot, members, seats, releasedNames).FirstOrDefault() is { } candidate)
                await AddLearnerAsync(store, candidate, ct);
        }
        else if (liveVoters.Count > target && liveVoters.Count - 1 > (voters.Count - 1) / 2)
        {
            // Only while the voters left keep quorum among those that are up: just after a node died,
            // its voter still counts until it is removed, and taking a live one first would leave the
            // cluster without quorum (etcd refuses that only while it has noticed the dead member).

            ulong leader = (await store.Client.StatusAsync(new StatusRequest(), deadline: EtcdStore.NewDeadline(), cancellationToken: ct)).Leader;
            var extra = liveVoters.Where(v => v.ID != leader).OrderBy(v => NameOf(v, seats) == options.NodeName).ThenBy(v => NameOf(v, seats), StringComparer.Ordinal).FirstOrDefault();
            if (extra is not null)
                await RemoveAsync(store, extra, NameOf(extra, seats)!, $"{target} voter(s) suit {on.Count} node(s) on", ct);
        }
    }

    /// <summary>Nodes that are on, hold no seat and may take one, in a stable order.</summary>
    private static IEnumerable<NodeRecord> Candidates(ClusterSnapshot snapshot, IReadOnlyList<Member> members, Dictionary<string, EtcdSeat> seats, IReadOnlySet<string> released)
    {
        var seated = members.Select(m => NameOf(m, seats)).OfType<string>().ToHashSet();
        return snapshot.Nodes.Values
            .Where(n => snapshot.IsAlive(n.Name) && !seated.Contains(n.Name) && !released.Contains(n.Name) && n.EtcdPeerUrl is not null)
            .OrderBy(n => n.JoinedAt).ThenBy(n => n.Name, StringComparer.Ordinal);
    }

    private async Task<Member> AddLearnerAsync(EtcdStore store, NodeRecord node, CancellationToken ct)
    {
        var cluster = await store.GetValueAsync(Keys.Cluster, StoreJsonContext.Default.ClusterRecord, ct)
            ?? throw new InvalidOperationException("etcd holds no cluster record");
        var added = await ReconfigureAsync(() => store.Client.MemberAddAsync(new MemberAddRequest { PeerURLs = { node.EtcdPeerUrl }, IsLearner = true },
            deadline: EtcdStore.NewDeadline(), cancellationToken: ct), ct);
        string initial = string.Join(',', added.Members.Select(m => $"{(m.ID == added.Member.ID ? node.Name : m.Name)}={m.PeerURLs[0]}"));
        var seat = new EtcdSeat(added.Member.ID.ToString("x"), initial, "existing", cluster.EtcdToken);
        await store.PutAsync(Keys.Seats + node.Name, seat, StoreJsonContext.Default.EtcdSeat, ct: ct);
        logger.LogInformation("Added {Node} as an etcd learner (member {Member})", node.Name, seat.MemberId);
        return added.Member;
    }

    private async Task<bool> PromoteWhenCaughtUpAsync(EtcdStore store, Member learner, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + PromoteLimit;
        while (DateTime.UtcNow < deadline)
        {
            if (await TryPromoteAsync(store, learner, ct)) return true;
            await Task.Delay(500, ct);
        }
        return false;
    }

    /// <summary>etcd promotes a learner only once its log has caught up with the leader's; until then it says so.</summary>
    private async Task<bool> TryPromoteAsync(EtcdStore store, Member learner, CancellationToken ct)
    {
        try
        {
            await store.Client.MemberPromoteAsync(new MemberPromoteRequest { ID = learner.ID }, deadline: EtcdStore.NewDeadline(), cancellationToken: ct);
            return true;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition or StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            logger.LogDebug("Learner {Member} not promoted yet: {Reason}", learner.ID.ToString("x"), e.Status.Detail);
            return false;
        }
    }

    private async Task RemoveAsync(EtcdStore store, Member gone, string node, string why, CancellationToken ct)
    {
        // A removed member stops its raft at once ("raft: stopped"): the removal and everything after
        // it go to the voters that stay (this node may have been talking to the leaving member alone).
        var staying = (await store.MembersAsync(ct)).Where(m => !m.IsLearner && m.ID != gone.ID).SelectMany(m => m.ClientURLs).ToList();
        store.UseEndpoints(store.Endpoints.Except(gone.ClientURLs).Concat(staying).Distinct());
        await ReconfigureAsync(() => store.Client.MemberRemoveAsync(new MemberRemoveRequest { ID = gone.ID }, deadline: EtcdStore.NewDeadline(), cancellationToken: ct), ct);
        // The removed member stops at once; a request the client had sent its way fails with "raft: stopped": the next goes to another.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await store.DeleteAsync(Keys.Seats + node, ct);
                break;
            }
            catch (RpcException e) when (attempt < 10 && e.Status.Detail.Contains("raft: stopped", StringComparison.Ordinal))
            {
                await Task.Delay(200, ct);
            }
        }
        _deadSince.Remove(node);
        logger.LogInformation("Removed {Node}'s etcd {Role} {Member}: {Why}", node, gone.IsLearner ? "learner" : "voter", gone.ID.ToString("x"), why);
    }

    /// <summary>
    /// A membership change, tried again while etcd calls the cluster unhealthy: the member taking the
    /// request must have been connected to the others for 5 s, which it is not just after a member was
    /// added, promoted or took over leadership.
    /// </summary>
    private static async Task<T> ReconfigureAsync<T>(Func<Task<T>> change, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                return await change();
            }
            catch (RpcException e) when (e.Status.Detail.Contains("unhealthy cluster", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500, ct);
            }
        }
    }

    /// <summary>A leader that is about to go hands leadership to another voter first, so no election is needed.</summary>
    private async Task MoveLeaderAwayAsync(EtcdStore store, Member leaving, List<Member> others, CancellationToken ct)
    {
        var status = await store.Client.StatusAsync(new StatusRequest(), deadline: EtcdStore.NewDeadline(), cancellationToken: ct);
        if (status.Leader != leaving.ID || others.Count == 0) return;
        var identity = member.RequireIdentity();
        using var direct = new EtcdStore(identity.Ca, identity.Certificate, leaving.ClientURLs);
        try
        {
            await direct.Client.MoveLeaderAsync(new MoveLeaderRequest { TargetID = others[0].ID }, deadline: EtcdStore.NewDeadline(), cancellationToken: ct);
            logger.LogInformation("Moved etcd leadership from {From} to {To}", leaving.Name, others[0].Name);
        }
        catch (RpcException e)
        {
            logger.LogWarning("Could not move etcd leadership away from {Node} ({Error}); its removal makes the others elect one", leaving.Name, e.Status.Detail);
        }
    }

    private static async Task<Dictionary<string, EtcdSeat>> Seats(EtcdStore store, CancellationToken ct) =>
        (await store.ListAsync(Keys.Seats, StoreJsonContext.Default.EtcdSeat, ct)).ToDictionary(s => s.Name, s => s.Value);

    /// <summary>A member's node: its name once started, its seat's node before.</summary>
    private static string? NameOf(Member m, Dictionary<string, EtcdSeat> seats) =>
        m.Name.Length > 0 ? m.Name : seats.FirstOrDefault(s => s.Value.MemberId == m.ID.ToString("x")).Key;
}
