namespace Appliance.Images.Tests;

/// <summary>Paths inside the repository and next to the test binaries.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Images => Path.Combine(Root, "out", "images");

    public static string BoardSim => Path.Combine(AppContext.BaseDirectory, "appliance-board-sim");

    public static string Hc1 => Path.Combine(Root, "hw", "boards", "hc1.json");

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
