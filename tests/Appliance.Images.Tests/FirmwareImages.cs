namespace Appliance.Images.Tests;

/// <summary>
/// Update images the tests push, made from the built slot image the way a release would be:
/// unpacked, changed, packed again and signed with firmware/pack-firmware.py (with the build's
/// key, or with a key the firmware does not know).
/// </summary>
public static class FirmwareImages
{
    /// <summary>The built root with IMAGE_VERSION set to <paramref name="version"/>; <paramref name="change"/> may alter it further.</summary>
    public static async Task<string> RepackAsync(string directory, string version, Action<string>? change = null, string? board = null, string? key = null)
    {
        string root = Path.Combine(directory, "root-" + version);
        string squashfs = Path.Combine(directory, version + ".squashfs");
        string image = Path.Combine(directory, version + ".fwpkg");
        await RunAsync("unsquashfs", ["-q", "-n", "-d", root, Path.Combine(ImageBuild.FirmwareAmd64, "rootfs.squashfs")]);
        string osRelease = Path.Combine(root, "usr", "lib", "os-release");
        File.WriteAllLines(osRelease, File.ReadAllLines(osRelease).Select(l => l.StartsWith("IMAGE_VERSION=", StringComparison.Ordinal) ? "IMAGE_VERSION=" + version : l));
        change?.Invoke(root);
        // Packed as firmware/build-firmware.sh packs a release: with xz's defaults the root outgrows a slot.
        await RunAsync("mksquashfs", [root, squashfs, "-noappend", "-comp", "xz", "-b", "1M", "-Xdict-size", "100%", "-Xbcj", "x86", "-all-root", "-quiet", "-no-progress"]);
        Directory.Delete(root, recursive: true);
        await SignAsync(squashfs, image, version, board ?? "hc1", key ?? Path.Combine(ImageBuild.Keys, "firmware-signing.pem"));
        File.Delete(squashfs);
        return image;
    }

    public static Task SignAsync(string payload, string image, string version, string board, string key) =>
        RunAsync(Path.Combine(Repo.Root, "firmware", "pack-firmware.py"),
            ["--key", key, "--board", board, "--arch", "amd64", "--version", version, payload, image]);

    /// <summary>A signing key of someone else's: well formed, but not the one the firmware trusts.</summary>
    public static async Task<string> ForeignKeyAsync(string directory)
    {
        string key = Path.Combine(directory, "foreign.pem");
        await RunAsync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]);
        return key;
    }

    private static async Task RunAsync(string program, string[] args)
    {
        Tool.Result result = await Tool.RunAsync(program, args, TimeSpan.FromMinutes(10));
        Assert.True(result.ExitCode == 0, $"{program} failed:\n{result}");
    }
}
