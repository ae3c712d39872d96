using System.Security.Cryptography;
using System.Text;
using Appliance.Cluster.Configuration;
using Appliance.Cluster.Controller;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Api;

/// <summary>
/// The cluster's web page (/ui/, HTTPS on the cluster API's port). A browser has no cluster
/// certificate, so <c>appliance cluster web</c> (with the administrator's certificate) asks for a
/// one-time login link (POST /api/v1/web-logins, valid <see cref="LoginTtl"/>); opening it gives the
/// browser a session cookie for <see cref="SessionTtl"/>. Logins and sessions live in etcd under
/// leases (only their SHA-256), so any member serves the page and they expire on their own.
/// </summary>
public static class WebEndpoints
{
    public static readonly TimeSpan LoginTtl = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan SessionTtl = TimeSpan.FromHours(12);
    private const string Cookie = "appliance_session";

    public static void MapWebEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1").RequireClusterCertificate().MapPost("/web-logins", async (ClusterMember member, ClusterOptions options, CancellationToken ct) =>
        {
            string token = await IssueAsync(member.RequireStore(), Keys.WebLogins, LoginTtl, ct);
            var login = new WebLogin($"{options.Listen.ToString().TrimEnd('/')}/ui/login?token={token}", DateTimeOffset.UtcNow + LoginTtl);
            return Results.Json(login, ApiJson.Context.WebLogin, statusCode: StatusCodes.Status201Created);
        });

        var ui = app.MapGroup("/ui").RequireHttps();
        ui.MapGet("/login", async (string? token, HttpContext http, ClusterMember member, CancellationToken ct) =>
        {
            var store = member.RequireStore();
            if (token is null || !await TakeAsync(store, Keys.WebLogins, token, ct))
                return Page(StatusCodes.Status401Unauthorized, WebPage.LoggedOut("This login link is not valid: it was used already, it expired, or it was mistyped. Make a new one with 'appliance cluster web'."));
            string session = await IssueAsync(store, Keys.WebSessions, SessionTtl, ct);
            http.Response.Cookies.Append(Cookie, session, new CookieOptions
            {
                HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, Path = "/ui", MaxAge = SessionTtl,
            });
            return Results.Redirect("/ui/");
        });
        ui.MapGet("/logout", async (HttpContext http, ClusterMember member, CancellationToken ct) =>
        {
            if (http.Request.Cookies[Cookie] is { } session)
                await member.RequireStore().DeleteAsync(Keys.WebSessions + Hash(session), ct);
            http.Response.Cookies.Delete(Cookie, new CookieOptions { Path = "/ui", Secure = true });
            return Page(StatusCodes.Status200OK, WebPage.LoggedOut("Logged out."));
        });
        ui.MapGet("/", async (HttpContext http, ClusterMember member, ClusterViews views, CancellationToken ct) =>
        {
            var store = member.RequireStore();
            if (http.Request.Cookies[Cookie] is not { } session
                || await store.GetValueAsync(Keys.WebSessions + Hash(session), StoreJsonContext.Default.WebSessionRecord, ct) is null)
                return Page(StatusCodes.Status401Unauthorized, WebPage.LoggedOut("Log in with a link from 'appliance cluster web' (it prints a one-time link to open here)."));
            var status = await views.StatusAsync(ct);
            var nodes = await views.NodesAsync(ct);
            var vms = await views.VmsAsync(ct);
            var log = await PowerLog.ListAsync(store, null, ct);
            var history = await views.PowerHistoryAsync(ct);
            return Page(StatusCodes.Status200OK, WebPage.Render(status, nodes, vms, log, history.Samples, DateTimeOffset.UtcNow));
        });
    }

    private static IResult Page(int status, string html) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    /// <summary>A random token whose hash is kept in etcd under a lease of <paramref name="ttl"/>.</summary>
    private static async Task<string> IssueAsync(EtcdStore store, string prefix, TimeSpan ttl, CancellationToken ct)
    {
        string token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        long lease = await store.GrantLeaseAsync(ttl, ct);
        var now = DateTimeOffset.UtcNow;
        await store.PutAsync(prefix + Hash(token), new WebSessionRecord(now, now + ttl), StoreJsonContext.Default.WebSessionRecord, lease, ct);
        return token;
    }

    /// <summary>Uses a one-time token: true when it existed (and it is gone now).</summary>
    private static async Task<bool> TakeAsync(EtcdStore store, string prefix, string token, CancellationToken ct)
    {
        string key = prefix + Hash(token);
        var entry = await store.GetEntryAsync(key, StoreJsonContext.Default.WebSessionRecord, ct);
        if (entry is null) return false;
        var txn = await store.TxnAsync([EtcdStore.Unchanged(key, entry.ModRevision)], [EtcdStore.DeleteOp(key)], ct: ct);
        return txn.Succeeded;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
