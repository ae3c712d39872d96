using Appliance.Bmc.Firmware;
using Microsoft.Playwright;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// A firmware update from the web console in Chromium: the operator picks an image file, the BMC
/// verifies it and writes it to the standby slot, or refuses it and writes nothing. The slots are
/// files and the boot environment a GRUB environment block made with grub-editenv; images are
/// packed and signed with firmware/pack-firmware.py, as a release is.
/// </summary>
public sealed class ConsoleFirmwareTests : IAsyncLifetime
{
    private const string Running = "1.0.7";
    private const long SlotSize = 4 << 20;
    private readonly string _directory = Directory.CreateTempSubdirectory("redfish-firmware-").FullName;
    private RedfishRig _rig = null!;
    private ConsoleBrowser _browser = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        Run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", At("signing.pem"));
        Run("openssl", "ec", "-in", At("signing.pem"), "-pubout", "-out", At("signing.pub"));
        Run("grub-editenv", At("grubenv"), "create");
        Run("grub-editenv", At("grubenv"), "set", "slot=A", "version_A=" + Running);
        File.WriteAllText(At("os-release"), $"ID=debian\nIMAGE_VERSION={Running}\n");
        File.WriteAllBytes(At("slot-a"), Payload(0xA5, 3 << 20));
        File.WriteAllBytes(At("slot-b"), new byte[SlotSize]);
        _rig = await RedfishRig.StartAsync(firmware: new FirmwareLayout
        {
            Environment = new BootEnvironmentLayout { Format = "grub", Path = At("grubenv") },
            Slots = new Dictionary<string, string> { ["A"] = At("slot-a"), ["B"] = At("slot-b") },
            SlotSize = SlotSize,
            PublicKey = At("signing.pub"),
            Architecture = "amd64",
            BootedSlot = "A",
            OsRelease = At("os-release"),
            StagingDirectory = At("staging"),
        });
        _browser = await ConsoleBrowser.OpenAsync(_rig.BaseUrl);
        _page = _browser.Page;
        await _browser.LogInAsync(RedfishRig.AdminUser, RedfishRig.AdminPassword);
        await _page.ClickAsync("a[href='#firmware']");
        await Assertions.Expect(Slot("bmc_slot_a")).ToContainTextAsync(Running);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _rig.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task An_uploaded_signed_image_goes_to_the_standby_slot_and_a_bmc_reset_from_the_page_activates_it()
    {
        await Assertions.Expect(Slot("bmc_slot_a")).ToContainTextAsync("Enabled");
        byte[] payload = Payload(0x5A, 2 << 20);
        string image = Pack(payload, "1.0.8", "hc1", At("signing.pem"));

        await _page.SetInputFilesAsync("#firmware-file", image);
        await _page.ClickAsync("#firmware-upload");
        await Assertions.Expect(_page.Locator("#firmware-status")).ToContainTextAsync("activating image '1.0.8'", new() { Timeout = 60_000 });
        await Assertions.Expect(Slot("bmc_slot_b")).ToContainTextAsync("1.0.8");
        await Assertions.Expect(Slot("bmc_slot_b")).ToContainTextAsync("StandbyOffline");
        await Assertions.Expect(Slot("bmc_slot_b")).ToContainTextAsync("boots at the next BMC reset");
        Assert.Equal(payload, File.ReadAllBytes(At("slot-b"))[..payload.Length]);
        Assert.Contains("slot=B", Run("grub-editenv", At("grubenv"), "list"), StringComparison.Ordinal);

        Task<bool> restart = _rig.Lifetime.WaitAsync();
        await _page.ClickAsync("#firmware-activate");
        await Assertions.Expect(_page.Locator("#confirm")).ToBeVisibleAsync();
        Assert.False(restart.IsCompleted);
        await _page.ClickAsync("#confirm-ok");
        Assert.True(await restart.WaitAsync(TimeSpan.FromSeconds(30)));
        await Assertions.Expect(_page.Locator("#firmware-status")).ToContainTextAsync("The BMC is restarting");
    }

    [Fact]
    public async Task Images_signed_with_another_key_or_for_another_board_are_refused_on_the_page_and_nothing_is_written()
    {
        byte[] payload = Payload(0x5A, 2 << 20);
        Run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", At("foreign.pem"));
        string foreign = Pack(payload, "1.0.9", "hc1", At("foreign.pem"));
        string other = Pack(payload, "1.0.10", "hc2", At("signing.pem"));
        string environment = Run("grub-editenv", At("grubenv"), "list");

        await _page.SetInputFilesAsync("#firmware-file", foreign);
        await _page.ClickAsync("#firmware-upload");
        await Assertions.Expect(_page.Locator("#firmware-status")).ToContainTextAsync("Refused: Verification of image", new() { Timeout = 60_000 });
        await Assertions.Expect(_page.Locator("#firmware-status")).ToContainTextAsync("signature does not verify");

        await _page.SetInputFilesAsync("#firmware-file", other);
        await _page.ClickAsync("#firmware-upload");
        await Assertions.Expect(_page.Locator("#firmware-status")).ToContainTextAsync("was not applicable", new() { Timeout = 60_000 });
        await Assertions.Expect(_page.Locator("#firmware-status")).ToContainTextAsync("hc2");

        await Assertions.Expect(_page.Locator("#firmware-activate")).ToBeHiddenAsync();
        await Assertions.Expect(Slot("bmc_slot_b")).Not.ToContainTextAsync("1.0.");
        Assert.Equal(new byte[SlotSize], File.ReadAllBytes(At("slot-b")));
        Assert.Equal(environment, Run("grub-editenv", At("grubenv"), "list"));
        Assert.Empty(Directory.EnumerateFiles(At("staging")));
    }

    private ILocator Slot(string id) => _page.Locator("#firmware-rows tr", new() { HasText = id });

    private string At(string name) => Path.Combine(_directory, name);

    private static byte[] Payload(byte seed, int length)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private string Pack(byte[] payload, string version, string board, string key)
    {
        string source = At(version + ".squashfs");
        File.WriteAllBytes(source, payload);
        string image = At(version + ".fwpkg");
        Run(Path.Combine(Repo.Root, "firmware", "pack-firmware.py"), "--key", key, "--board", board, "--arch", "amd64", "--version", version, source, image);
        return image;
    }

    private static string Run(string program, params string[] args)
    {
        Tool.Result result = Tool.Run(program, args);
        Assert.True(result.ExitCode == 0, $"{program} failed:\n{result}");
        return result.StdOut;
    }
}
