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
    private const string Running = TestFirmware.Running;
    private const long SlotSize = 4 << 20;
    private readonly TestFirmware _firmware = new(SlotSize, Payload(0xA5, 3 << 20));
    private RedfishRig _rig = null!;
    private ConsoleBrowser _browser = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _rig = await RedfishRig.StartAsync(firmware: _firmware.Layout);
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
        _firmware.Dispose();
    }

    [Fact]
    public async Task An_uploaded_signed_image_goes_to_the_standby_slot_and_a_bmc_reset_from_the_page_activates_it()
    {
        await Assertions.Expect(Slot("bmc_slot_a")).ToContainTextAsync("Enabled");
        byte[] payload = Payload(0x5A, 2 << 20);
        string image = _firmware.Pack(payload, "1.0.8");

        await _page.SetInputFilesAsync("#firmware-file", image);
        await _page.ClickAsync("#firmware-upload");
        await Assertions.Expect(_page.Locator("#firmware-status")).ToContainTextAsync("activating image '1.0.8'", new() { Timeout = 60_000 });
        await Assertions.Expect(Slot("bmc_slot_b")).ToContainTextAsync("1.0.8");
        await Assertions.Expect(Slot("bmc_slot_b")).ToContainTextAsync("StandbyOffline");
        await Assertions.Expect(Slot("bmc_slot_b")).ToContainTextAsync("boots at the next BMC reset");
        Assert.Equal(payload, File.ReadAllBytes(_firmware.At("slot-b"))[..payload.Length]);
        Assert.Contains("slot=B", _firmware.Environment, StringComparison.Ordinal);

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
        TestFirmware.Run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", _firmware.At("foreign.pem"));
        string foreign = _firmware.Pack(payload, "1.0.9", key: _firmware.At("foreign.pem"));
        string other = _firmware.Pack(payload, "1.0.10", board: "hc2");
        string environment = _firmware.Environment;

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
        Assert.Equal(new byte[SlotSize], File.ReadAllBytes(_firmware.At("slot-b")));
        Assert.Equal(environment, _firmware.Environment);
        Assert.Empty(Directory.EnumerateFiles(_firmware.At("staging")));
    }

    private ILocator Slot(string id) => _page.Locator("#firmware-rows tr", new() { HasText = id });

    private static byte[] Payload(byte seed, int length)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
