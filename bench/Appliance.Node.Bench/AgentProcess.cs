using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Appliance.Node.Bench;

/// <summary>The real appliance-node process on a loopback port, driven over its HTTP API.</summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly Process _process;

    private AgentProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
    }

    public Uri Address { get; }
    public HttpClient Http { get; }
    public int Pid => _process.Id;

    public static async Task<AgentProcess> StartAsync(string agentDll, string libvirtUri, string stateDirectory, int port, string migrationAddress)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[]
        {
            agentDll, $"--Node:LibvirtUri={libvirtUri}", $"--Node:StateDirectory={stateDirectory}",
            $"--Node:Listen=http://127.0.0.1:{port}", $"--Node:Migration:Address={migrationAddress}", "--Logging:LogLevel:Default=Warning",
        }) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var agent = new AgentProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"appliance-node exited: {log}");
            try
            {
                using var response = await agent.Http.GetAsync("api/v1/host");
                if (response.IsSuccessStatusCode) return agent;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        agent.Dispose();
        throw new InvalidOperationException($"appliance-node did not answer on port {port}: {log}");
    }

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType());
        using var response = await Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Follows the console until <paramref name="marker"/> appears; returns the offset after it.</summary>
    public async Task<long> WaitForConsoleAsync(string vm, string marker, long offset = 0)
    {
        var seen = new System.Text.StringBuilder();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Http.GetAsync($"api/v1/vms/{vm}/console?offset={offset}");
            response.EnsureSuccessStatusCode();
            seen.Append(await response.Content.ReadAsStringAsync());
            offset = long.Parse(response.Headers.GetValues("X-Console-Offset").Single(), System.Globalization.CultureInfo.InvariantCulture);
            if (seen.ToString().Contains(marker, StringComparison.Ordinal)) return offset;
            // Polling costs the host CPU the TCG guest needs; 50 ms keeps the figure honest and fine enough.
            await Task.Delay(50);
        }
        throw new TimeoutException($"'{marker}' never appeared on {vm}'s console");
    }

    /// <summary>VmRSS, VmHWM (peak), RssAnon (heap and stacks) and RssFile (mapped runtime and assemblies) in KiB.</summary>
    public (long Rss, long Peak, long Anon, long File) Memory()
    {
        long rss = 0, peak = 0, anon = 0, file = 0;
        foreach (string line in System.IO.File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kib(line);
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kib(line);
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kib(line);
            if (line.StartsWith("RssFile:", StringComparison.Ordinal)) file = Kib(line);
        }
        return (rss, peak, anon, file);
        static long Kib(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
