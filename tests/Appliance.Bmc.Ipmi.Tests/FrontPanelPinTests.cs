using Appliance.Bmc.Chassis;
using Appliance.Bmc.FrontPanel;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>The OEM Front Panel PIN command (NetFn 30h, 70h): set, cleared and reported over IPMI, asked on the panel.</summary>
public sealed class FrontPanelPinTests
{
    [Fact]
    public async Task A_pin_set_over_ipmi_is_asked_for_on_the_panel_and_clearing_it_opens_setup_again()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        await using var panel = new FrontPanelService(bmc.Host, InProcessBmc.AdminUser, InProcessBmc.AdminPassword);
        await panel.StartAsync(CancellationToken.None);
        var buttons = new PanelButtons(bmc);

        var before = await bmc.IpmitoolAsync("raw", "0x30", "0x70", "0x00");
        var set = await bmc.IpmitoolAsync("raw", "0x30", "0x70", "0x01", "0x32", "0x34", "0x36", "0x38"); // "2468"
        var afterSet = await bmc.IpmitoolAsync("raw", "0x30", "0x70", "0x00");
        await buttons.PressAsync("PANEL_SELECT");
        await Wait.UntilAsync(() => bmc.Sim.LcdLines[0].TrimEnd() == "Enter setup PIN", "the panel to ask for the PIN");
        string placesShown = bmc.Sim.LcdLines[1].TrimEnd();
        await buttons.PressAsync("PANEL_BACK"); // on the first digit: cancel
        await Wait.UntilAsync(() => bmc.Sim.LcdLines[0].TrimEnd() != "Enter setup PIN", "the PIN entry to close");

        var clear = await bmc.IpmitoolAsync("raw", "0x30", "0x70", "0x02");
        var afterClear = await bmc.IpmitoolAsync("raw", "0x30", "0x70", "0x00");
        await buttons.PressAsync("PANEL_SELECT");
        await Wait.UntilAsync(() => bmc.Sim.LcdLines[0].StartsWith("Setup", StringComparison.Ordinal), "setup to open without a PIN");

        Assert.Equal("00", before.StdOut.Trim());
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal("01", afterSet.StdOut.Trim());
        Assert.Equal("0___", placesShown); // as many places as the PIN has digits
        Assert.True(clear.ExitCode == 0, clear.ToString());
        Assert.Equal("00", afterClear.StdOut.Trim());
        Assert.False(bmc.Host.FrontPanelPolicy.PinSet);
        bmc.AssertNoFaults();
    }

    [Fact]
    public async Task The_panel_accepts_exactly_the_pin_set_over_ipmi()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var set = await bmc.IpmitoolAsync("raw", "0x30", "0x70", "0x01", "0x30", "0x39", "0x31", "0x32", "0x33"); // "09123"

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal(5, bmc.Host.FrontPanelPolicy.PinLength);
        Assert.Equal(PinCheck.Wrong, bmc.Host.FrontPanelPolicy.CheckPin("91230"));
        Assert.Equal(PinCheck.Accepted, bmc.Host.FrontPanelPolicy.CheckPin("09123"));
    }

    [Theory]
    [InlineData("0x32", "0x34", "0x36")] // 3 digits
    [InlineData("0x31", "0x32", "0x33", "0x34", "0x35", "0x36", "0x37", "0x38", "0x39")] // 9 digits
    [InlineData("0x31", "0x32", "0x33", "0x41")] // "123A"
    [InlineData("0x01", "0x02", "0x03", "0x04")] // binary, not ASCII digits
    [InlineData()] // no PIN at all
    public async Task A_bad_pin_gets_invalid_data_field_and_changes_nothing(params string[] pin)
    {
        await using var bmc = await InProcessBmc.StartAsync();
        bmc.Host.FrontPanelPolicy.SetPin("2468");

        var r = await bmc.IpmitoolAsync(["raw", "0x30", "0x70", "0x01", .. pin]);

        Assert.Contains("rsp=0xcc", r.StdErr);
        Assert.Equal(PinCheck.Accepted, bmc.Host.FrontPanelPolicy.CheckPin("2468"));
    }

    [Fact]
    public async Task Unknown_operations_and_extra_bytes_are_refused()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        bmc.Host.FrontPanelPolicy.SetPin("2468");

        var unknown = await bmc.IpmitoolAsync("raw", "0x30", "0x70", "0x03");
        var clearWithData = await bmc.IpmitoolAsync("raw", "0x30", "0x70", "0x02", "0x00");
        var empty = await bmc.IpmitoolAsync("raw", "0x30", "0x70");

        Assert.Contains("rsp=0xcc", unknown.StdErr);
        Assert.Contains("rsp=0xc7", clearWithData.StdErr);
        Assert.Contains("rsp=0xc7", empty.StdErr);
        Assert.True(bmc.Host.FrontPanelPolicy.PinSet);
    }

    [Fact]
    public async Task Operators_and_read_only_users_get_insufficient_privilege()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        bmc.Host.FrontPanelPolicy.SetPin("2468");

        var clear = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.OperatorUser, InProcessBmc.OperatorPassword, 17, "-L", "OPERATOR", "raw", "0x30", "0x70", "0x02");
        var set = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.OperatorUser, InProcessBmc.OperatorPassword, 17, "-L", "OPERATOR",
            "raw", "0x30", "0x70", "0x01", "0x31", "0x31", "0x31", "0x31");
        var status = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.ReadOnlyUser, InProcessBmc.ReadOnlyPassword, 17, "-L", "USER", "raw", "0x30", "0x70", "0x00");

        Assert.Contains("rsp=0xd4", clear.StdErr);
        Assert.Contains("rsp=0xd4", set.StdErr);
        Assert.Contains("rsp=0xd4", status.StdErr);
        Assert.Equal(PinCheck.Accepted, bmc.Host.FrontPanelPolicy.CheckPin("2468"));
    }

    /// <summary>Presses panel buttons as a finger would: held past the debounce time, released, and not again within it.</summary>
    private sealed class PanelButtons(InProcessBmc bmc)
    {
        private readonly TimeSpan _debounce = TimeSpan.FromMilliseconds(bmc.Board.Description.Panel.DebounceMs + 5);

        public async Task PressAsync(string line)
        {
            bmc.Sim.SetInput(line, true);
            await Task.Delay(_debounce);
            bmc.Sim.SetInput(line, false);
            await Task.Delay(_debounce);
        }
    }
}
