using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Redfish.Protocol;

/// <summary>
/// One access-log line per HTTP request, written once the answer has gone: client address, user,
/// method, path and query, status and time taken. Mounted only while the access log is on.
/// </summary>
public sealed partial class RedfishAccessLog(ILogger log)
{
    public async Task InvokeAsync(HttpContext http, Func<Task> next)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            await next().ConfigureAwait(false);
        }
        finally
        {
            HttpRequest request = http.Request;
            LogRequest(log, http.Connection.RemoteIpAddress?.ToString() ?? "-", http.Features.Get<Principal>()?.Account.UserName ?? "-",
                request.Method, request.Path.Value, request.QueryString.Value, http.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Client} {User} {Method} {Path}{Query} {Status} {Milliseconds:0.###} ms")]
    private static partial void LogRequest(ILogger logger, string client, string user, string method, string? path, string? query, int status, double milliseconds);
}
