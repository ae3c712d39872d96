using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Appliance.Bmc.Redfish;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Bmc.Redfish.Sessions;

namespace Appliance.Bmc.Web;

/// <summary>
/// The host's serial console for the web console's terminal, over a WebSocket at <see cref="Path"/>.
/// A browser cannot put a token in a WebSocket's headers, so the first message is the Redfish session
/// token (X-Auth-Token); the account needs ConfigureComponents, as typing at the host's console is
/// managing it. Then the BMC sends the console's recent output and everything after it as binary
/// messages, and every message from the browser is typed at the console. Several viewers may watch
/// at once (IPMI Serial-over-LAN's one-at-a-time rule is that payload's own).
/// </summary>
public static class SerialConsoleSocket
{
    public const string Path = "/console/serial";

    private const int MaxMessage = 4096;
    private static readonly TimeSpan TokenWait = TimeSpan.FromSeconds(10);

    public static void Map(WebApplication app, RedfishServices services) =>
        app.Map(Path, http => ServeAsync(http, services));

    private static async Task ServeAsync(HttpContext http, RedfishServices services)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using WebSocket socket = await http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        byte[] buffer = new byte[MaxMessage];
        string? token = await ReadTokenAsync(socket, buffer, http.RequestAborted).ConfigureAwait(false);
        RedfishSession? session = token is null ? null : services.Sessions.Use(token);
        if (session is null)
        {
            await CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, "no valid session").ConfigureAwait(false);
            return;
        }

        var principal = new Principal(session.Account, session);
        if (!principal.Has(Privilege.ConfigureComponents) || session.Account.PasswordChangeRequired)
        {
            await CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, "insufficient privilege").ConfigureAwait(false);
            return;
        }

        Serial.HostConsole console = services.Host.HostConsole;
        if (!console.Available)
        {
            await CloseAsync(socket, WebSocketCloseStatus.InternalServerError, "the host's serial console is not available").ConfigureAwait(false);
            return;
        }

        // The console calls viewers under its lock: output is queued here and sent by its own task.
        var output = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        using IDisposable watch = console.Watch(data => output.Writer.TryWrite(data.ToArray()));
        using var done = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        Task sending = SendAsync(socket, output.Reader, done.Token);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                WebSocketReceiveResult received = await socket.ReceiveAsync(buffer, done.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "").ConfigureAwait(false);
                    break;
                }

                console.Write(buffer.AsSpan(0, received.Count));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The browser went away.
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            output.Writer.TryComplete();
            await sending.ConfigureAwait(false);
        }
    }

    private static async Task SendAsync(WebSocket socket, ChannelReader<byte[]> output, CancellationToken ct)
    {
        try
        {
            await foreach (byte[] data in output.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await socket.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: true, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }

    private static async Task<string?> ReadTokenAsync(WebSocket socket, byte[] buffer, CancellationToken aborted)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        wait.CancelAfter(TokenWait);
        try
        {
            WebSocketReceiveResult first = await socket.ReceiveAsync(buffer, wait.Token).ConfigureAwait(false);
            return first.MessageType == WebSocketMessageType.Text && first.EndOfMessage ? Encoding.UTF8.GetString(buffer, 0, first.Count) : null;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        try
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseAsync(status, reason, wait.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }
}
