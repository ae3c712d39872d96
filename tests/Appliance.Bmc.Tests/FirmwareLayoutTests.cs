using Appliance.Bmc.Firmware;

namespace Appliance.Bmc.Tests;

/// <summary>The firmware's slot layout file (/etc/appliance-bmc/firmware.json): what a file leaves out takes its documented default.</summary>
public sealed class FirmwareLayoutTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("firmware-layout-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_layout_that_leaves_out_the_optional_settings_gets_their_defaults()
    {
        FirmwareLayout layout = Load("""
            {
              "environment": { "format": "u-boot", "path": "/dev/mmcblk0", "offset": 1048576 },
              "slots": { "A": "/dev/mmcblk0p2", "B": "/dev/mmcblk0p3" },
              "slotSize": 30408704,
              "publicKey": "/usr/share/appliance-bmc/firmware-signing.pub",
              "architecture": "armhf"
            }
            """);

        Assert.Equal("/etc/os-release", layout.OsRelease);
        Assert.Equal(3, layout.BootTries);
        Assert.Equal(0x10000, layout.Environment.Size);
        Assert.Equal(1048576, layout.Environment.Offset);
        Assert.Null(layout.BootedSlot);
        Assert.Null(layout.ResetCommand);
    }

    [Fact]
    public void Settings_a_layout_names_are_kept()
    {
        FirmwareLayout layout = Load("""
            {
              "environment": { "format": "u-boot", "path": "/dev/mmcblk0", "size": 8192 },
              "slots": { "A": "a.img", "B": "b.img" },
              "slotSize": 4096,
              "publicKey": "key.pub",
              "architecture": "amd64",
              "bootTries": 5,
              "osRelease": "os-release"
            }
            """);

        Assert.Equal("os-release", layout.OsRelease);
        Assert.Equal(5, layout.BootTries);
        Assert.Equal(8192, layout.Environment.Size);
    }

    private FirmwareLayout Load(string json)
    {
        string file = Path.Combine(_directory, "firmware.json");
        File.WriteAllText(file, json);
        return FirmwareLayout.Load(file);
    }
}
