using Appliance.Cluster.Api;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Security;
using Appliance.Cluster.Store;
using Appliance.Node.Api;

namespace Appliance.Cluster.Membership;

/// <summary>
/// Join tokens: made by an administrator, kept in etcd as the secret's hash with the expiry and the
/// uses left. Each record lives under a lease that ends a day after the token expires, so an expired
/// token is still recognised (and refused as expired) for a while, then forgotten.
/// </summary>
public sealed class JoinTokens(ClusterMember member)
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinTtl = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(30);
    public const int MaxUses = 1000;
    private static readonly TimeSpan KeptAfterExpiry = TimeSpan.FromDays(1);

    public async Task<TokenResponse> CreateAsync(TokenRequest? request, CancellationToken ct)
    {
        if (request?.TtlSeconds is { } s && !(s >= MinTtl.TotalSeconds && s <= MaxTtl.TotalSeconds))
            throw ApiException.BadRequest("ttlSeconds", $"ttlSeconds must be from {MinTtl.TotalSeconds:0} to {MaxTtl.TotalSeconds:0} (30 days)");
        var ttl = request?.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultTtl;
        int uses = request?.Uses ?? 1;
        if (uses is < 1 or > MaxUses) throw ApiException.BadRequest("uses", $"uses must be from 1 to {MaxUses}");

        var store = member.RequireStore();
        var identity = member.RequireIdentity();
        for (int attempt = 0; ; attempt++)
        {
            var token = JoinToken.Create(ClusterCa.Hash(identity.Ca));
            var now = DateTimeOffset.UtcNow;
            var record = new TokenRecord(token.Id, JoinToken.HashSecret(token.Secret), now, now + ttl, uses, uses);
            long lease = await store.GrantLeaseAsync(ttl + KeptAfterExpiry, ct);
            var txn = await store.TxnAsync([EtcdStore.Absent(Keys.JoinTokens + token.Id)],
                [EtcdStore.PutOp(Keys.JoinTokens + token.Id, record, StoreJsonContext.Default.TokenRecord, lease)], ct: ct);
            if (txn.Succeeded) return new TokenResponse(token.ToString(), token.Id, record.ExpiresAt, uses);
            if (attempt >= 3) throw new InvalidOperationException("could not find an unused token ID");
        }
    }

    public async Task<IReadOnlyList<TokenView>> ListAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        return (await member.RequireStore().ListAsync(Keys.JoinTokens, StoreJsonContext.Default.TokenRecord, ct))
            .Select(e => e.Value)
            .OrderBy(t => t.CreatedAt)
            .Select(t => new TokenView(t.Id, t.CreatedAt, t.ExpiresAt, t.Uses, t.UsesLeft, t.ExpiresAt <= now))
            .ToList();
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken ct) => await member.RequireStore().DeleteAsync(Keys.JoinTokens + id, ct);
}
