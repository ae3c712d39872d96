namespace Appliance.Images.Tests;

/// <summary>
/// The images under test, built by ./build.sh image (kept in out/images and rebuilt only when their
/// inputs change): each target once per test run, when the first test that boots it starts.
/// </summary>
public static class ImageBuild
{
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static readonly HashSet<string> Built = [];

    public static string FirmwareAmd64 => Path.Combine(Repo.Images, "firmware-amd64");
    public static string ApplianceOs => Path.Combine(Repo.Images, "appliance-os");
    public static string Keys => Path.Combine(Repo.Images, "keys");

    /// <summary>Builds (or finds up to date) one target of ./build.sh image: firmware-amd64, appliance-os.</summary>
    public static async Task EnsureAsync(string target)
    {
        await Once.WaitAsync();
        try
        {
            if (Built.Contains(target))
            {
                return;
            }

            Tool.Result build = await Tool.RunAsync(Path.Combine(Repo.Root, "build.sh"), ["image", target], TimeSpan.FromMinutes(80), Repo.Root);
            Assert.True(build.ExitCode == 0, $"./build.sh image {target} failed:\n" + build);
            Built.Add(target);
        }
        finally
        {
            Once.Release();
        }
    }

    public static string Version(string image) => File.ReadAllText(Path.Combine(image, "version")).Trim();
}
