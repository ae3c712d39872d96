namespace Appliance.Node.Tests;

/// <summary>
/// Open vSwitch for a test run, through appliance-os/hypervisor/vswitch.sh: its two daemons are
/// started when none run (there is no systemd here) and stopped again by <see cref="Dispose"/>;
/// daemons that were already running are used and left alone.
/// </summary>
internal sealed class VSwitch : IDisposable
{
    private readonly string _directory;

    private VSwitch(string directory, bool started)
    {
        _directory = directory;
        StartedHere = started;
    }

    public static string Script => Path.Combine(Repo.Root, "appliance-os", "hypervisor", "vswitch.sh");

    /// <summary>True when this run started the daemons (and so stops them).</summary>
    public bool StartedHere { get; }

    public static VSwitch Start(string directory) =>
        new(directory, Tool.Run(Script, "start", directory).Trim() == "started");

    /// <summary>Runs ovs-vsctl and returns its output; a failure fails the test with OVS's own words.</summary>
    public static string Vsctl(params string[] arguments) => Tool.Run("ovs-vsctl", ["--timeout=10", .. arguments]);

    public void Dispose()
    {
        if (StartedHere) Tool.Run(Script, "stop", _directory);
    }
}
