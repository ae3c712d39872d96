using System.Globalization;
using System.Text.Json.Nodes;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Sessions;

/// <summary>
/// /redfish/v1/SessionService and its Sessions: POST a user name and password to log in (the
/// token comes back as X-Auth-Token, the session's URI as Location); DELETE the session to log out.
/// </summary>
public static class SessionService
{
    public const string Uri = "/redfish/v1/SessionService";
    public const string SessionsUri = Uri + "/Sessions";

    public static void Map(RedfishServices services)
    {
        RedfishRouter router = services.Router;
        router.Resource("/redfish/v1/SessionService", "SessionService")
            .OnGet(Get)
            .OnPatch(Privilege.ConfigureManager, PatchAsync);
        router.Resource("/redfish/v1/SessionService/Sessions", "SessionCollection")
            .OnGet(request => RedfishJson.Collection(SessionsUri, "SessionCollection", "Session Collection",
                Visible(request).Select(s => s.Uri)))
            .OnPost(Privilege.None, LoginAsync);
        // DSP0266: POST to the collection's Members creates a member as POST to the collection does.
        router.Resource("/redfish/v1/SessionService/Sessions/Members", "SessionCollection")
            .OnPost(Privilege.None, LoginAsync);
        router.Resource("/redfish/v1/SessionService/Sessions/{SessionId}", "Session")
            .OnGet(GetSession)
            .OnDelete(Privilege.Login, LogoutAsync);
    }

    // Administrators see every session; others see their own.
    private static IEnumerable<RedfishSession> Visible(RedfishRequest request) =>
        request.Services.Sessions.All.Where(s => request.User.Has(Privilege.ConfigureManager) || s.Account.Id == request.User.Account.Id);

    private static JsonObject Get(RedfishRequest request) => new()
    {
        ["@odata.id"] = Uri,
        ["@odata.type"] = "#SessionService.v1_1_9.SessionService",
        ["Id"] = "SessionService",
        ["Name"] = "Session Service",
        ["ServiceEnabled"] = true,
        ["SessionTimeout"] = (long)request.Services.Sessions.Timeout.TotalSeconds,
        ["Status"] = Health.Status("Enabled", Health.Ok),
        ["Sessions"] = RedfishJson.Link(SessionsUri),
        ["@Redfish.WriteableProperties"] = RedfishJson.Strings(["SessionTimeout"]),
    };

    private static Task<RedfishResult> PatchAsync(RedfishRequest request)
    {
        var body = new BodyReader(request.Body, request.Current);
        long? timeout = body.Integer("SessionTimeout", (long)SessionStore.MinTimeout.TotalSeconds, (long)SessionStore.MaxTimeout.TotalSeconds);
        body.Finish();
        if (timeout is null)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.EmptyJSON());
        }

        request.Services.Sessions.Timeout = TimeSpan.FromSeconds(timeout.Value);
        return Task.FromResult(RedfishResult.Ok(Get(request)));
    }

    private static JsonObject? GetSession(RedfishRequest request)
    {
        RedfishSession? session = request.Services.Sessions.Find(request["SessionId"]);
        if (session is null || !Visible(request).Contains(session))
        {
            return null;
        }

        return ToJson(session);
    }

    private static JsonObject ToJson(RedfishSession session)
    {
        var json = new JsonObject
        {
            ["@odata.id"] = session.Uri,
            ["@odata.type"] = "#Session.v1_7_0.Session",
            ["Id"] = session.Id,
            ["Name"] = "User Session",
            ["UserName"] = session.Account.UserName,
            ["SessionType"] = "Redfish",
            ["CreatedTime"] = session.Created.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["ClientOriginIPAddress"] = session.ClientAddress,
        };
        if (session.Context is not null)
        {
            json["Context"] = session.Context;
        }

        return json;
    }

    private static Task<RedfishResult> LoginAsync(RedfishRequest request)
    {
        var body = new BodyReader(request.Body);
        body.Require("UserName");
        body.Require("Password");
        string? userName = body.String("UserName");
        string? password = body.String("Password");
        string? context = body.String("Context");
        body.Finish();

        Account? account = Authentication.Login(request.Http, request.Services, userName!, password!);
        if (account is null)
        {
            throw new RedfishException(StatusCodes.Status401Unauthorized,
                BaseMessages.ResourceAtUriUnauthorized(SessionsUri, "the user name or password is not valid, or the account is disabled or locked out"));
        }

        RedfishSession session = request.Services.Sessions.Create(account, request.Http.Connection.RemoteIpAddress?.ToString(), context)
            ?? throw new RedfishException(StatusCodes.Status503ServiceUnavailable, BaseMessages.SessionLimitExceeded());
        request.Http.Response.Headers[Authentication.TokenHeader] = session.Token;
        JsonObject json = ToJson(session);
        if (account.PasswordChangeRequired)
        {
            json["@Message.ExtendedInfo"] = new JsonArray(BaseMessages.PasswordChangeRequired($"/redfish/v1/AccountService/Accounts/{account.Id}").ToJson());
        }

        return Task.FromResult(RedfishResult.Created(session.Uri, json));
    }

    private static Task<RedfishResult> LogoutAsync(RedfishRequest request)
    {
        RedfishSession? session = request.Services.Sessions.Find(request["SessionId"]);
        bool own = session is not null && session.Account.Id == request.User.Account.Id;
        if (session is not null && !own && !request.User.Has(Privilege.ConfigureManager))
        {
            throw new RedfishException(StatusCodes.Status403Forbidden, BaseMessages.InsufficientPrivilege());
        }

        if (session is null || !request.Services.Sessions.Delete(session.Id))
        {
            throw new RedfishException(StatusCodes.Status404NotFound, BaseMessages.ResourceNotFound("Session", request["SessionId"]));
        }

        return Task.FromResult(RedfishResult.Message(BaseMessages.SessionTerminated()));
    }
}
