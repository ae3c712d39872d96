using Appliance.Bmc.Firmware;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// A BMC's flash as files in a folder of its own: two slots (A booted, B blank), a GRUB environment
/// block made with grub-editenv, os-release, a staging folder and a signing key; images are packed and
/// signed with firmware/pack-firmware.py, as a release is.
/// </summary>
public sealed class TestFirmware : IDisposable
{
    public const string Running = "1.0.7";
    private readonly string _directory = Directory.CreateTempSubdirectory("redfish-firmware-").FullName;

    /// <param name="slotA">What the booted slot holds (blank when null).</param>
    public TestFirmware(long slotSize, byte[]? slotA = null)
    {
        SlotSize = slotSize;
        Run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", At("signing.pem"));
        Run("openssl", "ec", "-in", At("signing.pem"), "-pubout", "-out", At("signing.pub"));
        Run("grub-editenv", At("grubenv"), "create");
        Run("grub-editenv", At("grubenv"), "set", "slot=A", "version_A=" + Running);
        File.WriteAllText(At("os-release"), $"ID=debian\nIMAGE_VERSION={Running}\n");
        File.WriteAllBytes(At("slot-a"), slotA ?? new byte[slotSize]);
        File.WriteAllBytes(At("slot-b"), new byte[slotSize]);
        Layout = new FirmwareLayout
        {
            Environment = new BootEnvironmentLayout { Format = "grub", Path = At("grubenv") },
            Slots = new Dictionary<string, string> { ["A"] = At("slot-a"), ["B"] = At("slot-b") },
            SlotSize = slotSize,
            PublicKey = At("signing.pub"),
            Architecture = "amd64",
            BootedSlot = "A",
            OsRelease = At("os-release"),
            StagingDirectory = At("staging"),
        };
    }

    public long SlotSize { get; }

    public FirmwareLayout Layout { get; }

    /// <summary>The boot environment as grub-editenv lists it.</summary>
    public string Environment => Run("grub-editenv", At("grubenv"), "list");

    public string At(string name) => Path.Combine(_directory, name);

    /// <summary>Packs <paramref name="payload"/> as an image file; signed with the BMC's key unless <paramref name="key"/> names another.</summary>
    public string Pack(byte[] payload, string version, string board = "hc1", string? key = null)
    {
        string source = At(version + ".squashfs");
        File.WriteAllBytes(source, payload);
        string image = At(version + ".fwpkg");
        Run(Path.Combine(Repo.Root, "firmware", "pack-firmware.py"), "--key", key ?? At("signing.pem"), "--board", board, "--arch", "amd64", "--version", version, source, image);
        return image;
    }

    public static string Run(string program, params string[] args)
    {
        Tool.Result result = Tool.Run(program, args);
        Assert.True(result.ExitCode == 0, $"{program} failed:\n{result}");
        return result.StdOut;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
