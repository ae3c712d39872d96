namespace Appliance.Images.Tests;

/// <summary>
/// The images under test, built by ./build.sh image for the targets the tests boot (kept in
/// out/images and rebuilt only when their inputs change), once per test run.
/// </summary>
public sealed class ImageBuild : IAsyncLifetime
{
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static bool _built;

    public static string FirmwareAmd64 => Path.Combine(Repo.Images, "firmware-amd64");
    public static string ApplianceOs => Path.Combine(Repo.Images, "appliance-os");
    public static string Keys => Path.Combine(Repo.Images, "keys");

    public async Task InitializeAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (_built)
            {
                return;
            }

            Tool.Result build = await Tool.RunAsync(Path.Combine(Repo.Root, "build.sh"), ["image", "firmware-amd64", "appliance-os"],
                TimeSpan.FromMinutes(80), Repo.Root);
            Assert.True(build.ExitCode == 0, "./build.sh image failed:\n" + build);
            _built = true;
        }
        finally
        {
            Once.Release();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static string Version(string image) => File.ReadAllText(Path.Combine(image, "version")).Trim();
}

[CollectionDefinition(Name)]
public sealed class ImagesCollection : ICollectionFixture<ImageBuild>
{
    public const string Name = "images";
}
