namespace Appliance.Node.Tests;

/// <summary>
/// Open vSwitch for a test run, through appliance-os/hypervisor/vswitch.sh: its two daemons are
/// started when none run (there is no systemd here) and stopped again by <see cref="Dispose"/>;
/// daemons that were already running are used and left alone (the script remembers which it started).
/// </summary>
internal sealed class VSwitch : IDisposable
{
    private readonly string _directory;

    private VSwitch(string directory) => _directory = directory;

    public static string Script => Path.Combine(Repo.Root, "appliance-os", "hypervisor", "vswitch.sh");

    public static VSwitch Start(string directory)
    {
        Tool.Run(Script, "start", directory);
        return new VSwitch(directory);
    }

    /// <summary>Runs ovs-vsctl and returns its output; a failure fails the test with OVS's own words.</summary>
    public static string Vsctl(params string[] arguments) => Tool.Run("ovs-vsctl", ["--timeout=10", .. arguments]);

    public void Dispose() => Tool.Run(Script, "stop", _directory);
}
