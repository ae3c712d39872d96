using System.Globalization;
using System.Net;
using System.Text;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Sessions;

namespace Appliance.Bmc.Redfish.Protocol;

/// <summary>Who a request comes from: an X-Auth-Token session, or HTTP Basic credentials checked on every request.</summary>
public static class Authentication
{
    public const string TokenHeader = "X-Auth-Token";

    /// <summary>The principal, or null when the request carries no credentials at all.</summary>
    /// <exception cref="RedfishException">401 when credentials are present but not valid.</exception>
    public static Principal? Identify(HttpContext http, RedfishServices services)
    {
        string? token = http.Request.Headers[TokenHeader];
        if (!string.IsNullOrEmpty(token))
        {
            RedfishSession session = services.Sessions.Use(token) ?? throw Unauthorized(http, basic: false);
            return Noted(http, services, new Principal(session.Account, session));
        }

        string? authorization = http.Request.Headers.Authorization;
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        (string user, string password) = DecodeBasic(authorization["Basic ".Length..]) ?? throw Unauthorized(http, basic: true);
        Account account = Login(http, services, user, password) ?? throw Unauthorized(http, basic: true);
        return Noted(http, services, new Principal(account, null));
    }

    /// <summary>
    /// Checks a name and password from the request's client address: the account, or null for
    /// any kind of refusal (Callback accounts cannot use Redfish).
    /// </summary>
    /// <exception cref="RedfishException">429 with Retry-After while the address waits out its own failures.</exception>
    public static Account? Login(HttpContext http, RedfishServices services, string user, string password)
    {
        IPAddress source = http.Connection.RemoteIpAddress ?? IPAddress.None;
        LoginResult result = services.Host.Accounts.Login(user, password, source);
        if (result.RetryAfter > TimeSpan.Zero)
        {
            int seconds = (int)Math.Ceiling(result.RetryAfter.TotalSeconds);
            throw new RedfishException(StatusCodes.Status429TooManyRequests, BaseMessages.ServiceTemporarilyUnavailable(seconds))
            {
                Headers = new Dictionary<string, string> { ["Retry-After"] = seconds.ToString(CultureInfo.InvariantCulture) },
            };
        }

        return result.Account is { Role: not AccountRole.Callback } account ? account : null;
    }

    /// <summary>The principal; a request without credentials is refused.</summary>
    public static Principal Require(HttpContext http, RedfishServices services) =>
        Identify(http, services) ?? throw Unauthorized(http, basic: false);

    public static RedfishException Unauthorized(HttpContext http, bool basic) =>
        new(StatusCodes.Status401Unauthorized, basic
            ? BaseMessages.ResourceAtUriUnauthorized(http.Request.Path.Value ?? "/redfish/v1", "the user name or password is not valid, or the account is disabled or locked out")
            : BaseMessages.NoValidSession())
        {
            Headers = new Dictionary<string, string> { ["WWW-Authenticate"] = "Basic realm=\"Redfish\"" },
        };

    private static Principal Noted(HttpContext http, RedfishServices services, Principal principal)
    {
        if (services.AccessLogged)
        {
            http.Features.Set(principal);
        }

        return principal;
    }

    private static (string User, string Password)? DecodeBasic(string encoded)
    {
        try
        {
            string text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Trim()));
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon <= 0 ? null : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
