using Appliance.Bmc.Firmware;
using Appliance.Bmc.Sel;
using Appliance.Bmc.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Bmc.Tests;

/// <summary>
/// A BMC reset on the firmware runs its reset command (systemctl reboot) and exits; the service
/// manager then stops whatever the service started. The reset must have been handed over by then.
/// </summary>
public sealed class FirmwareResetTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("firmware-reset-").FullName;
    private readonly SelLog _sel;

    public FirmwareResetTests()
    {
        _sel = new SelLog(new BmcDatabase(Path.Combine(_directory, "state")), TimeProvider.System);
        CheckedTool.Run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", At("signing.pem"));
        CheckedTool.Run("openssl", "ec", "-in", At("signing.pem"), "-pubout", "-out", At("signing.pub"));
        CheckedTool.Run("grub-editenv", At("grubenv"), "create");
        File.WriteAllText(At("os-release"), "ID=debian\nIMAGE_VERSION=1.0.1\n");
    }

    public void Dispose()
    {
        _sel.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_reset_waits_for_its_command_to_finish_before_the_bmc_goes_on_to_exit()
    {
        string done = At("reboot-queued");
        using FirmwareSlots slots = Slots(["sh", "-c", $"sleep 1; touch '{done}'"]);

        Assert.True(slots.ResetBmc());
        Assert.True(File.Exists(done), "ResetBmc returned before its command had finished");
    }

    [Fact]
    public void A_reset_command_that_fails_or_cannot_run_is_reported_so_the_bmc_exits_with_an_error()
    {
        using (FirmwareSlots failing = Slots(["sh", "-c", "exit 3"]))
        {
            Assert.False(failing.ResetBmc());
        }

        using FirmwareSlots missing = Slots([At("no-such-command")]);
        Assert.False(missing.ResetBmc());
    }

    private FirmwareSlots Slots(string[] resetCommand)
    {
        var layout = new FirmwareLayout
        {
            Environment = new BootEnvironmentLayout { Format = "grub", Path = At("grubenv") },
            Slots = new Dictionary<string, string> { ["A"] = At("slot-a"), ["B"] = At("slot-b") },
            SlotSize = 1 << 20,
            PublicKey = At("signing.pub"),
            Architecture = "amd64",
            BootedSlot = "A",
            OsRelease = At("os-release"),
            ResetCommand = resetCommand,
        };
        return new FirmwareSlots(layout, "hc1", _sel, NullLogger.Instance);
    }

    private string At(string name) => Path.Combine(_directory, name);
}
