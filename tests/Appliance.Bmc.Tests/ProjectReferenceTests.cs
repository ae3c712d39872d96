using System.Xml.Linq;

namespace Appliance.Bmc.Tests;

/// <summary>
/// The rooms of the repository as the project files wire them (docs/architecture.md): the BMC's
/// front doors stand on the core, never on each other; the firmware carries no simulator; the
/// hardware knows no management protocol; the BMC knows nothing of the host side. References
/// are followed through other projects, so a rule cannot be broken by a detour.
/// </summary>
public class ProjectReferenceTests
{
    private static readonly string[] FrontDoors =
    [
        "bmc/Appliance.Bmc.Ipmi/Appliance.Bmc.Ipmi.csproj",
        "bmc/Appliance.Bmc.Redfish/Appliance.Bmc.Redfish.csproj",
        "bmc/Appliance.Bmc.FrontPanel/Appliance.Bmc.FrontPanel.csproj",
    ];

    private const string Simulator = "hw/Appliance.Hw.Sim/Appliance.Hw.Sim.csproj";

    [Fact]
    public void No_front_door_references_another_front_door()
    {
        string[] found = FrontDoors.SelectMany(door => Reaching(door, other => other != door && FrontDoors.Contains(other))).ToArray();

        Assert.True(found.Length == 0, "a front door must stand on the core alone:\n" + string.Join('\n', found));
    }

    [Fact]
    public void Nothing_in_bmc_references_the_simulator()
    {
        string[] found = ProjectsIn("bmc").SelectMany(p => Reaching(p, q => q == Simulator)).ToArray();

        Assert.True(found.Length == 0, "the firmware must not carry the simulator (reach a board through --board-socket):\n" + string.Join('\n', found));
    }

    [Fact]
    public void Nothing_in_hw_references_an_ipmi_or_redfish_project()
    {
        string[] found = ProjectsIn("hw")
            .SelectMany(p => Reaching(p, q => Path.GetFileNameWithoutExtension(q).Contains("Ipmi", StringComparison.Ordinal)
                || Path.GetFileNameWithoutExtension(q).Contains("Redfish", StringComparison.Ordinal)))
            .ToArray();

        Assert.True(found.Length == 0, "the hardware must not know a management protocol:\n" + string.Join('\n', found));
    }

    [Fact]
    public void Nothing_in_bmc_references_libvirt_or_the_host_side()
    {
        string[] found = ProjectsIn("bmc").SelectMany(p => Reaching(p, q => q.StartsWith("appliance-os/", StringComparison.Ordinal))).ToArray();

        Assert.True(found.Length == 0, "the BMC must not know the host side:\n" + string.Join('\n', found));
    }

    /// <summary>The project files in a top-level folder, relative to the repository; the rules would pass vacuously without them.</summary>
    private static string[] ProjectsIn(string folder)
    {
        string[] projects = Directory.EnumerateFiles(Path.Combine(Repo.Root, folder), "*.csproj", SearchOption.AllDirectories)
            .Select(Relative)
            .Where(p => !p.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.NotEmpty(projects);
        return projects;
    }

    /// <summary>Every project <paramref name="project"/> reaches, directly or through others, that is forbidden; each with the path that reaches it.</summary>
    private static IEnumerable<string> Reaching(string project, Func<string, bool> forbidden)
    {
        Assert.True(File.Exists(Path.Combine(Repo.Root, project)), $"{project} is missing: the rule would check nothing");
        var via = new Dictionary<string, string> { [project] = "" };
        var queue = new Queue<string>([project]);
        while (queue.TryDequeue(out string? current))
        {
            foreach (string reference in References(current))
            {
                if (via.TryAdd(reference, current))
                {
                    queue.Enqueue(reference);
                    if (forbidden(reference))
                    {
                        yield return string.Join(" -> ", PathTo(reference, via));
                    }
                }
            }
        }
    }

    private static IEnumerable<string> PathTo(string project, Dictionary<string, string> via)
    {
        var path = new List<string>();
        for (string? p = project; !string.IsNullOrEmpty(p); p = via[p])
        {
            path.Add(p);
        }

        path.Reverse();
        return path;
    }

    /// <summary>The projects a project file references, relative to the repository.</summary>
    private static IEnumerable<string> References(string project)
    {
        string file = Path.Combine(Repo.Root, project);
        string folder = Path.GetDirectoryName(file)!;
        return XDocument.Load(file).Descendants()
            .Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => (string?)e.Attribute("Include"))
            .OfType<string>()
            .Select(include => Relative(Path.GetFullPath(Path.Combine(folder, include.Replace('\\', '/')))))
            .ToArray();
    }

    private static string Relative(string path) => Path.GetRelativePath(Repo.Root, path).Replace('\\', '/');
}
