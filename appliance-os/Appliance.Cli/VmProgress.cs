using System.Net;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Appliance.Cli;

/// <summary>
/// Creates a VM and follows it until it runs, saying what the cluster does meanwhile — "waking node3",
/// "node3 is booting", "node3 joined; starting web-1" — as a live status line on a terminal, as plain
/// lines otherwise, and not at all with --json.
/// </summary>
internal sealed class VmProgress(ApiClient api, string name, bool quiet)
{
    private string? _said;

    /// <summary>The answer to the create, or the VM as it stands once it runs (or when <paramref name="limit"/> is up).</summary>
    public async Task<ApiAnswer> CreateAsync(JsonObject spec, TimeSpan limit, CancellationToken ct)
    {
        bool live = !quiet && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!live) return await FollowAsync(spec, limit, null, ct);
        return await AnsiConsole.Status().StartAsync($"Creating {Markup.Escape(name)}...", status => FollowAsync(spec, limit, status, ct));
    }

    private async Task<ApiAnswer> FollowAsync(JsonObject spec, TimeSpan limit, StatusContext? status, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + limit;
        // The create itself waits while the cluster works (and removes a VM its node refuses); meanwhile the VM's record says how far it got.
        var create = api.PostAsync($"api/v1/vms?wait={Math.Min(600, (int)limit.TotalSeconds)}", spec, ct);
        while (!create.IsCompleted)
        {
            await Task.WhenAny(create, Task.Delay(1000, ct));
            if (create.IsCompleted) break;
            await ShowAsync(status, ct);
        }
        var answer = await create;
        if (answer.Status == HttpStatusCode.Created) return answer;
        while (true)
        {
            var vm = await ShowAsync(status, ct);
            string state = Cli.Text(vm, "state");
            if (state == "refused")
            {
                await api.DeleteAsync($"api/v1/vms/{Uri.EscapeDataString(name)}", ct);
                throw new CliException($"node {Cli.Text(vm, "node")} refused the VM: {Cli.Text(vm, "message")}");
            }
            if (state is not ("pending" or "creating") || DateTime.UtcNow >= deadline) return new ApiAnswer(HttpStatusCode.OK, vm);
            await Task.Delay(1000, ct);
        }
    }

    private async Task<JsonNode?> ShowAsync(StatusContext? status, CancellationToken ct)
    {
        JsonNode? vm;
        try
        {
            vm = (await api.GetAsync($"api/v1/vms/{Uri.EscapeDataString(name)}", ct)).Body;
        }
        catch (CliException)
        {
            return null; // not written yet, or gone: the create's answer says what happened
        }
        // Every step the cluster recorded since the last look, even one that came and went in between.
        var steps = vm?["progress"] is JsonArray progress ? progress.Select(p => p?.GetValue<string>() ?? "").ToList() : [];
        if (steps.Count == 0 && vm?["message"] is JsonValue message && message.GetValue<string>() is { Length: > 0 } text) steps.Add(text);
        int next = _said is null ? 0 : steps.LastIndexOf(_said) + 1;
        foreach (string step in steps.Skip(next).Where(s => s.Length > 0))
        {
            _said = step;
            if (quiet) continue;
            if (status is null)
            {
                Console.Out.WriteLine(step);
            }
            else
            {
                AnsiConsole.MarkupLine($"[grey]{Markup.Escape(DateTime.Now.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture))}[/] {Markup.Escape(step)}");
                status.Status(Markup.Escape(step));
            }
        }
        return vm;
    }
}
