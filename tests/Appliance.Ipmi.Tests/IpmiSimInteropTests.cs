using Appliance.Ipmi.Client;
using Appliance.Ipmi.Commands;

namespace Appliance.Ipmi.Tests;

/// <summary>The library's client against a peer BMC implementation: OpenIPMI's ipmi_sim.</summary>
public sealed class IpmiSimInteropTests
{
    [Fact]
    public async Task Client_opens_suite_3_session_reads_device_id_and_controls_power()
    {
        using var sim = IpmiSim.Start();
        var client = new IpmiClient(new IpmiClientOptions
        {
            Host = "127.0.0.1",
            Port = sim.Port,
            UserName = IpmiSim.User,
            Password = IpmiSim.Password,
            CipherSuite = CipherSuiteId.Id3,
            Timeout = TimeSpan.FromMilliseconds(500),
            Retries = 6, // ipmi_sim may still be starting
        });

        await using (var session = await client.OpenSessionAsync())
        {
            Assert.Equal(PrivilegeLevel.Administrator, session.Privilege);
            var id = await session.GetDeviceIdAsync();
            Assert.Equal(0x1291u, id.ManufacturerId); // as the emulator command file set it
            Assert.Equal(0x0F02, id.ProductId);
            Assert.Equal(9, id.FirmwareMajor);
            Assert.Equal(8, id.FirmwareMinor);
            Assert.Equal(0x02, id.IpmiVersion);

            Assert.False((await session.GetChassisStatusAsync()).PowerOn);
            await session.ChassisControlAsync(ChassisControl.PowerUp);
            Assert.True((await session.GetChassisStatusAsync()).PowerOn);
            await session.ChassisControlAsync(ChassisControl.PowerDown);
            Assert.False((await session.GetChassisStatusAsync()).PowerOn);
        }

        Assert.Contains("set power 1", sim.ChassisLog);
        Assert.Contains("set power 0", sim.ChassisLog);
    }

    [Fact]
    public async Task Wrong_password_against_ipmi_sim_is_reported_as_such()
    {
        using var sim = IpmiSim.Start();
        var client = new IpmiClient(new IpmiClientOptions
        {
            Host = "127.0.0.1",
            Port = sim.Port,
            UserName = IpmiSim.User,
            Password = "not-it",
            CipherSuite = CipherSuiteId.Id3,
            Timeout = TimeSpan.FromMilliseconds(500),
            Retries = 6,
        });

        var error = await Assert.ThrowsAsync<IpmiSessionException>(() => client.OpenSessionAsync());

        Assert.Contains("RAKP Message 2", error.Message);
    }
}
