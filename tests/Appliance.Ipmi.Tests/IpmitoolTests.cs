namespace Appliance.Ipmi.Tests;

public sealed class IpmitoolTests
{
    [Fact]
    public async Task McInfoWithSuite17()
    {
        await using var bmc = await TestBmc.StartAsync();
        var r = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "-vv", "mc", "info");
        Assert.True(r.ExitCode == 0, r.ToString());
    }
}
