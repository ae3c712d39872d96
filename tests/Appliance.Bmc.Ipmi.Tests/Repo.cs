namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>Paths inside the repository and next to the test binaries.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Hc1 => Path.Combine(Root, "hw", "boards", "hc1.json");

    /// <summary>The appliance-bmc and appliance-board-sim executables, copied next to this assembly by the project references.</summary>
    public static string Executable(string name) => Path.Combine(AppContext.BaseDirectory, name);

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
