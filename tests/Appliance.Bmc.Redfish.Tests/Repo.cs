namespace Appliance.Bmc.Redfish.Tests;

/// <summary>Paths inside the repository and next to the test binaries.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Hc1 => Path.Combine(Root, "hw", "boards", "hc1.json");

    /// <summary>The appliance-bmc executable the project reference copies next to the tests.</summary>
    public static string Bmc => Path.Combine(AppContext.BaseDirectory, "appliance-bmc");

    /// <summary>The appliance-board-sim executable, copied next to the tests the same way.</summary>
    public static string BoardSim => Path.Combine(AppContext.BaseDirectory, "appliance-board-sim");

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "scripts", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Appliance.sln) above " + AppContext.BaseDirectory);
    }
}
