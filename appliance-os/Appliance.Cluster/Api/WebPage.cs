using System.Globalization;
using System.Net;
using System.Text;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Api;

/// <summary>
/// The cluster's web page, rendered on the server: nodes with their state and watts, VMs and where
/// they run, the energy meter, a plot of the cluster's power and nodes on over time (inline SVG), and
/// the power log. Nothing is loaded from elsewhere; the page reloads itself every <see cref="RefreshSeconds"/>.
/// </summary>
public static class WebPage
{
    public const int RefreshSeconds = 10;
    private const int LogLines = 40;

    public static string Render(ClusterStatus status, IReadOnlyList<NodeView> nodes, IReadOnlyList<VmView> vms, IReadOnlyList<PowerLogEntry> log,
        IReadOnlyList<PowerSampleRecord> samples, DateTimeOffset now)
    {
        var html = new StringBuilder();
        Head(html, $"cluster {status.Name}", refresh: true);
        html.Append("<h1>Cluster ").Append(E(status.Name)).Append("</h1>\n<p class=\"summary\">controller ").Append(E(status.Controller ?? "none"))
            .Append(" · nodes ").Append(E(string.Join(", ", status.Nodes.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => $"{n.Value} {n.Key}"))))
            .Append(" · <a href=\"/ui/logout\">log out</a></p>\n");

        if (status.Energy is { } energy)
        {
            html.Append("<p id=\"energy\">Energy since ").Append(E(Time(energy.Since))).Append(": <b>").Append(Kwh(energy.UsedKWh)).Append("</b> used; with every node on, ")
                .Append(Kwh(energy.AllOnKWh)).Append(" (").Append(Kwh(energy.SavedKWh)).Append(" saved). Now ")
                .Append(N(energy.Watts, "0")).Append(" W with ").Append(energy.NodesOn).Append(" node(s) on; all on: ").Append(N(energy.AllOnWatts, "0")).Append(" W.</p>\n");
        }
        if (status.Power is { } power)
        {
            html.Append("<p id=\"decision\">Power manager: ").Append(E(power.Decision));
            if (power.Utilization is { } u) html.Append(" (utilisation ").Append(N(u * 100, "0")).Append(" %)");
            html.Append("</p>\n");
        }

        html.Append("<h2>Power</h2>\n").Append(Plot(samples)).Append('\n');

        html.Append("<h2>Nodes</h2>\n<table id=\"nodes\"><tr><th>node</th><th>state</th><th>watts</th><th>VMs</th><th>rack address</th><th>seat</th><th>notes</th></tr>\n");
        foreach (var n in nodes)
        {
            var notes = new List<string>();
            if (n.Controller) notes.Add("controller");
            if (n.Pinned) notes.Add("pinned");
            if (n.Transition is { } t) notes.Add(t);
            if (n.Fault is { } f) notes.Add($"{f.Kind}: {f.Reason}");
            html.Append("<tr data-node=\"").Append(E(n.Node)).Append("\"><td>").Append(E(n.Node)).Append("</td><td class=\"state ").Append(E(n.State)).Append("\">")
                .Append(E(n.State)).Append("</td><td class=\"num\">").Append(n.Watts?.ToString(CultureInfo.InvariantCulture) ?? "-").Append("</td><td class=\"num\">")
                .Append(n.Allocation.Vms).Append("</td><td>").Append(E(n.RackAddress ?? "-")).Append("</td><td>").Append(E(n.Seat ?? "-")).Append("</td><td>")
                .Append(E(string.Join("; ", notes))).Append("</td></tr>\n");
        }
        html.Append("</table>\n");

        html.Append("<h2>VMs</h2>\n<table id=\"vms\"><tr><th>VM</th><th>node</th><th>state</th><th>vCPUs</th><th>memory MiB</th><th>HA</th><th>message</th></tr>\n");
        foreach (var vm in vms)
        {
            html.Append("<tr data-vm=\"").Append(E(vm.Name)).Append("\"><td>").Append(E(vm.Name)).Append("</td><td>").Append(E(vm.Node ?? "-")).Append("</td><td>")
                .Append(E(vm.State)).Append("</td><td class=\"num\">").Append(vm.Vcpus).Append("</td><td class=\"num\">").Append(vm.MemoryMiB).Append("</td><td>")
                .Append(vm.Ha ? "yes" : "").Append("</td><td>").Append(E(vm.Message ?? "")).Append("</td></tr>\n");
        }
        if (vms.Count == 0) html.Append("<tr><td colspan=\"7\">no VMs</td></tr>\n");
        html.Append("</table>\n");

        html.Append("<h2>Power log</h2>\n<table id=\"power-log\"><tr><th>time</th><th>node</th><th>action</th><th>reason</th></tr>\n");
        foreach (var e in log.Reverse().Take(LogLines))
        {
            html.Append("<tr><td>").Append(E(Time(e.Time))).Append("</td><td>").Append(E(e.Node)).Append("</td><td>").Append(E(e.Action))
                .Append("</td><td>").Append(E(e.Reason)).Append("</td></tr>\n");
        }
        if (log.Count == 0) html.Append("<tr><td colspan=\"4\">nothing yet</td></tr>\n");
        html.Append("</table>\n<p class=\"summary\">").Append(E(Time(now))).Append(" UTC; reloads every ").Append(RefreshSeconds).Append(" s</p>\n</body></html>\n");
        return html.ToString();
    }

    public static string LoggedOut(string message)
    {
        var html = new StringBuilder();
        Head(html, "cluster", refresh: false);
        html.Append("<h1>Cluster</h1>\n<p id=\"login\">").Append(E(message)).Append("</p>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>The cluster's watts (and, dashed, what every node on would draw) above, nodes on below, over the samples' span.</summary>
    private static string Plot(IReadOnlyList<PowerSampleRecord> samples)
    {
        if (samples.Count < 2) return "<p id=\"plot\">Not enough samples yet for a plot (one every 15 s).</p>";
        const double W = 800, H = 180, H2 = 80, Left = 50, Right = 10, Top = 10;
        double t0 = samples[0].At.ToUnixTimeMilliseconds(), t1 = samples[^1].At.ToUnixTimeMilliseconds();
        double span = Math.Max(1, t1 - t0);
        double maxWatts = Math.Max(1, samples.Max(s => Math.Max(s.Watts, s.AllOnWatts))) * 1.1;
        int maxNodes = Math.Max(1, samples.Max(s => s.Nodes));
        double X(PowerSampleRecord s) => Left + ((s.At.ToUnixTimeMilliseconds() - t0) / span * (W - Left - Right));
        string Line(Func<PowerSampleRecord, double> y) => string.Join(' ', samples.Select(s => $"{N(X(s), "0.#")},{N(y(s), "0.#")}"));
        double watts(double w) => Top + H - (w / maxWatts * H);
        double nodesY(double n) => Top + H + 30 + H2 - (n / maxNodes * H2);
        // Nodes on is a count that changes in steps.
        var steps = new StringBuilder();
        for (int i = 0; i < samples.Count; i++)
        {
            if (i > 0) steps.Append(N(X(samples[i]), "0.#")).Append(',').Append(N(nodesY(samples[i - 1].NodesOn), "0.#")).Append(' ');
            steps.Append(N(X(samples[i]), "0.#")).Append(',').Append(N(nodesY(samples[i].NodesOn), "0.#")).Append(' ');
        }
        var svg = new StringBuilder();
        svg.Append("<svg id=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").Append(W).Append(' ').Append(Top + H + 30 + H2 + 30)
            .Append("\" width=\"").Append(W).Append("\" role=\"img\" aria-label=\"cluster power and nodes on over time\">\n");
        svg.Append("<text x=\"0\" y=\"").Append(Top + 10).Append("\">").Append(N(maxWatts, "0")).Append(" W</text><text x=\"0\" y=\"").Append(Top + H).Append("\">0 W</text>\n");
        svg.Append("<line x1=\"").Append(Left).Append("\" y1=\"").Append(Top + H).Append("\" x2=\"").Append(W - Right).Append("\" y2=\"").Append(Top + H).Append("\" class=\"axis\"/>\n");
        svg.Append("<polyline class=\"all-on\" points=\"").Append(Line(s => watts(s.AllOnWatts))).Append("\"/>\n");
        svg.Append("<polyline class=\"watts\" points=\"").Append(Line(s => watts(s.Watts))).Append("\"/>\n");
        svg.Append("<text x=\"0\" y=\"").Append(Top + H + 40).Append("\">").Append(maxNodes).Append(" nodes</text><text x=\"0\" y=\"").Append(Top + H + 30 + H2).Append("\">0</text>\n");
        svg.Append("<line x1=\"").Append(Left).Append("\" y1=\"").Append(Top + H + 30 + H2).Append("\" x2=\"").Append(W - Right).Append("\" y2=\"").Append(Top + H + 30 + H2).Append("\" class=\"axis\"/>\n");
        svg.Append("<polyline class=\"nodes-on\" points=\"").Append(steps.ToString().TrimEnd()).Append("\"/>\n");
        svg.Append("<text x=\"").Append(Left).Append("\" y=\"").Append(Top + H + 30 + H2 + 20).Append("\">").Append(E(Time(samples[0].At))).Append("</text>")
            .Append("<text x=\"").Append(W - Right).Append("\" y=\"").Append(Top + H + 30 + H2 + 20).Append("\" text-anchor=\"end\">").Append(E(Time(samples[^1].At))).Append("</text>\n");
        svg.Append("</svg>\n<p class=\"legend\"><span class=\"watts\">—</span> cluster watts · <span class=\"all-on\">- -</span> every node on · <span class=\"nodes-on\">—</span> nodes on</p>");
        return svg.ToString();
    }

    private static void Head(StringBuilder html, string title, bool refresh)
    {
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n");
        if (refresh) html.Append("<meta http-equiv=\"refresh\" content=\"").Append(RefreshSeconds).Append("\">\n");
        html.Append("""
            <style>
            body { font-family: sans-serif; margin: 1.5em; color: #222; }
            table { border-collapse: collapse; margin-bottom: 1em; }
            th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
            td.num { text-align: right; }
            .summary { color: #555; }
            .state.ready { color: #1a7f37; } .state.dormant { color: #777; } .state.lost { color: #c00; font-weight: bold; }
            .state.booting, .state.joining, .state.on { color: #b58900; }
            svg polyline { fill: none; stroke-width: 2; }
            svg .watts, .legend .watts { stroke: #1f6feb; color: #1f6feb; }
            svg .all-on, .legend .all-on { stroke: #999; color: #999; stroke-dasharray: 6 4; }
            svg .nodes-on, .legend .nodes-on { stroke: #1a7f37; color: #1a7f37; }
            svg .axis { stroke: #bbb; } svg text { font-size: 11px; fill: #555; }
            </style>
            </head><body>

            """);
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Kwh(double kwh) => kwh.ToString(kwh < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture) + " kWh";

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
