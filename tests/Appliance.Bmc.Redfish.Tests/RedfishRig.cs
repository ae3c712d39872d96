using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Appliance.Bmc.Accounts;
using Appliance.Hw;
using Appliance.Hw.Boards;
using Appliance.Hw.Sim;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// A simulated hc1 board and a BMC with its Redfish service on 127.0.0.1 (a port the system
/// picks), in simulated time that a background pump runs faster than real time, so that power
/// sequences take milliseconds while real clients talk to the service.
/// </summary>
public sealed class RedfishRig : IAsyncDisposable
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "Admin-pass1";

    private readonly CancellationTokenSource _pump = new();
    private readonly Task _pumpTask;
    private Board? _board;
    private FrontPanel.FrontPanelService? _frontPanel;

    private RedfishRig(string stateDirectory, bool ownsState, BoardDescription? description = null, string? hostConsole = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        Description = description ?? BoardFile.Load(Repo.Hc1);
        Sim = new SimBoard(Description, Time, new SimBoardOptions { HostConsoleCommand = hostConsole });
        StateDirectory = stateDirectory;
        OwnsState = ownsState;
        _pumpTask = Task.Run(PumpAsync);
    }

    public FakeTimeProvider Time { get; }
    public BoardDescription Description { get; }
    public SimBoard Sim { get; private set; }
    public string StateDirectory { get; }
    private bool OwnsState { get; }
    public BmcCore Host { get; private set; } = null!;
    public RedfishService Service { get; private set; } = null!;
    public BmcLifetime Lifetime { get; } = new();
    public int Port => Service.Port;
    public string BaseUrl => $"https://127.0.0.1:{Port}";

    /// <summary>Simulated time runs this many times faster than real time while the pump runs.</summary>
    public double Speed { get; set; } = 20;

    /// <summary>Stops the time pump, for tests that step simulated time themselves.</summary>
    public bool Paused { get; set; }

    /// <summary>Runs the front panel service too, so that the LCD mirror exists.</summary>
    public bool WithFrontPanel { get; init; }

    /// <summary>Firmware slots (files) for UpdateService; null: a BMC without slots.</summary>
    public Firmware.FirmwareLayout? FirmwareLayout { get; init; }

    public Firmware.FirmwareSlots? Firmware { get; private set; }

    /// <param name="hostConsole">A shell command the board runs as its host's serial console once POST completes.</param>
    public static async Task<RedfishRig> StartAsync(bool adminMustChangePassword = false, string? stateDirectory = null, bool withFrontPanel = false,
        BoardDescription? board = null, string? hostConsole = null, Firmware.FirmwareLayout? firmware = null)
    {
        var rig = new RedfishRig(stateDirectory ?? Directory.CreateTempSubdirectory("redfish-state-").FullName, stateDirectory is null, board, hostConsole)
        {
            WithFrontPanel = withFrontPanel,
            FirmwareLayout = firmware,
        };
        await rig.StartBmcAsync(adminMustChangePassword);
        return rig;
    }

    /// <summary>Starts a BMC instance on the rig's board and state (again, after <see cref="StopBmcAsync"/>).</summary>
    public async Task StartBmcAsync(bool adminMustChangePassword = false)
    {
        _board = new Board(Description, Sim.Platform);
        Host = new BmcCore(_board, StateDirectory, Time, NullLoggerFactory.Instance);
        Host.Accounts.EnsureInitialAdministrator(AdminUser, AdminPassword, adminMustChangePassword);
        Host.Start(acPowerRestored: false);
        if (WithFrontPanel)
        {
            _frontPanel = new FrontPanel.FrontPanelService(Host, AdminUser, AdminPassword);
            await _frontPanel.StartAsync(CancellationToken.None);
        }

        Firmware = FirmwareLayout is null ? null : new Firmware.FirmwareSlots(FirmwareLayout, Description.Model, Host.Sel, NullLogger.Instance);
        Service = new RedfishService(Host, new RedfishOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Firmware = Firmware }, Lifetime);
        await Service.StartAsync(CancellationToken.None);
    }

    public async Task StopBmcAsync()
    {
        await Service.DisposeAsync();
        if (_frontPanel is not null)
        {
            await _frontPanel.DisposeAsync();
        }

        Host.Dispose();
        _board?.Dispose();
        Firmware?.Dispose();
    }

    /// <summary>
    /// AC power off and on onto a board simulated afresh (host off, SMBIOS mailbox blank as before
    /// any POST): the BMC stops and starts again on its kept state.
    /// </summary>
    public async Task AcPowerCycleAsync()
    {
        await StopBmcAsync();
        Sim.Dispose();
        Sim = new SimBoard(Description, Time);
        await StartBmcAsync();
    }

    /// <summary>Runs simulated time forward now (in small steps, so timers interleave).</summary>
    public void Run(TimeSpan span)
    {
        for (TimeSpan done = TimeSpan.Zero; done < span; done += TimeSpan.FromMilliseconds(50))
        {
            Time.Advance(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>Waits (real time) until a condition holds, failing with <paramref name="what"/> after <paramref name="limit"/>.</summary>
    public static async Task WaitForAsync(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        DateTime end = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < end, "timed out waiting for " + what);
            await Task.Delay(20);
        }
    }

    /// <summary>An HTTP client for this BMC: self-signed certificate accepted, optional Basic credentials.</summary>
    public HttpClient Client(string? user = null, string? password = null)
    {
        // A request sent with Expect: 100-continue waits for the server's word as long as for its answer,
        // so a refusal on a loaded machine never races the body's upload.
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            Expect100ContinueTimeout = TimeSpan.FromSeconds(30),
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return client;
    }

    public HttpClient Admin() => Client(AdminUser, AdminPassword);

    /// <summary>Creates an account directly in the store (the way IPMI would) and returns a client logged in as it.</summary>
    public HttpClient ClientAs(AccountRole role, string name)
    {
        const string password = "Other-pass1";
        if (Host.Accounts.Find(name) is null)
        {
            Host.Accounts.Create(name, password, role);
        }

        return Client(name, password);
    }

    public async ValueTask DisposeAsync()
    {
        _pump.Cancel();
        await _pumpTask;
        await StopBmcAsync();
        Sim.Dispose();
        if (OwnsState)
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
    }

    private async Task PumpAsync()
    {
        var tick = TimeSpan.FromMilliseconds(5);
        while (!_pump.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(tick, _pump.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!Paused)
            {
                Time.Advance(tick * Speed);
            }
        }
    }
}

/// <summary>Reading Redfish answers in tests.</summary>
public static class Http
{
    public static async Task<(HttpStatusCode Status, JsonObject? Body, HttpResponseMessage Response)> SendAsync(
        this HttpClient client, HttpMethod method, string path, string? json = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        HttpResponseMessage response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonObject? body = text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json" ? JsonNode.Parse(text)!.AsObject() : null;
        return (response.StatusCode, body, response);
    }

    public static async Task<JsonObject> GetJsonAsync(this HttpClient client, string path)
    {
        (HttpStatusCode status, JsonObject? body, _) = await client.SendAsync(HttpMethod.Get, path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {status} {body?.ToJsonString()}");
        return body!;
    }

    /// <summary>Logs in at the session service (POST to Sessions): the status, the session, and its token if one was given.</summary>
    public static async Task<(HttpStatusCode Status, JsonObject? Body, string? Token)> LoginAsync(this HttpClient client, string user, string password)
    {
        (HttpStatusCode status, JsonObject? body, HttpResponseMessage response) = await client.SendAsync(HttpMethod.Post,
            "/redfish/v1/SessionService/Sessions", $$"""{"UserName": "{{user}}", "Password": "{{password}}"}""");
        return (status, body, response.Headers.TryGetValues("X-Auth-Token", out var tokens) ? tokens.Single() : null);
    }

    /// <summary>The MessageIds of an error response, without the registry version ("Base.PropertyUnknown").</summary>
    public static string[] MessageIds(JsonObject? error) =>
        error?["error"]?["@Message.ExtendedInfo"]?.AsArray().Select(m => Short(m!["MessageId"]!.GetValue<string>())).ToArray() ?? [];

    public static string Short(string messageId)
    {
        string[] parts = messageId.Split('.');
        return parts[0] + "." + parts[^1];
    }
}
