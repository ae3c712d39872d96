using System.Net;
using System.Net.Sockets;
using Appliance.Bmc.Sensors;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>Platform Event Filtering with FreeIPMI and ipmitool: configuration, and a PET trap to a LAN destination.</summary>
public sealed class PefTests
{
    [Fact]
    public async Task A_critical_temperature_matched_by_a_filter_sends_a_pet_trap_to_the_alert_destination()
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int trapPort = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true, time: InProcessBmc.SimulatedTime(), trapPort: trapPort);
        bmc.Sim.HostLoad = 0.5;
        bmc.Run(SensorMonitor.PowerOnSettle + TimeSpan.FromSeconds(5));

        var commit = await bmc.FreeIpmiAsync("ipmi-pef-config", "--commit",
            "--key-pair=PEF_Conf:Enable_PEF=Yes", "--key-pair=PEF_Conf:Enable_Alert_Action=Yes",
            "--key-pair=Community_String:Community_String=rack7",
            "--key-pair=Lan_Alert_Destination_1:Alert_IP_Address=127.0.0.1",
            "--key-pair=Alert_Policy_1:Policy_Enabled=Yes", "--key-pair=Alert_Policy_1:Policy_Number=1",
            "--key-pair=Alert_Policy_1:Destination_Selector=1", "--key-pair=Alert_Policy_1:Channel_Number=1",
            "--key-pair=Event_Filter_1:Enable_Filter=Yes", "--key-pair=Event_Filter_1:Event_Filter_Action_Alert=Yes",
            "--key-pair=Event_Filter_1:Alert_Policy_Number=1", "--key-pair=Event_Filter_1:Event_Severity=Critical",
            "--key-pair=Event_Filter_1:Generator_Id_Byte_1=0xFF", "--key-pair=Event_Filter_1:Generator_Id_Byte_2=0xFF",
            "--key-pair=Event_Filter_1:Sensor_Type=0x01", "--key-pair=Event_Filter_1:Sensor_Number=0xFF",
            "--key-pair=Event_Filter_1:Event_Trigger=0x01", "--key-pair=Event_Filter_1:Event_Data1_Offset_Mask=0x0200");
        Assert.True(commit.ExitCode == 0, commit.ToString());

        // FreeIPMI reads back what it wrote; ipmitool shows the filter and where its alerts go.
        var checkout = await bmc.FreeIpmiAsync("ipmi-pef-config", "--checkout", "--section=Event_Filter_1", "--section=Lan_Alert_Destination_1", "--section=PEF_Conf");
        Assert.True(checkout.ExitCode == 0, checkout.ToString());
        Assert.Matches(@"Enable_Filter\s+Yes", checkout.StdOut);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(checkout.StdOut, @"Event_Data1_Offset_Mask\s+0x0*200\b"), checkout.StdOut);
        Assert.Matches(@"Alert_IP_Address\s+127\.0\.0\.1", checkout.StdOut);
        Assert.Matches(@"Enable_PEF\s+Yes", checkout.StdOut);
        var filters = await bmc.IpmitoolAsync("pef", "filter", "list");
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(filters.StdOut, @"(?m)^\s*1 \| enabled, configurable \| Temperature \| Any \| Crit.*\| Alert"), filters.StdOut);
        var info = await bmc.IpmitoolAsync("pef", "info");
        Assert.Contains("Alert,Power-off,Reset,Power-cycle,Diagnostic-interrupt", info.StdOut);

        // CPU0 runs past its upper critical threshold: the SEL gets the event, the destination a trap.
        bmc.Sim.Faults.ForceReading("CPU0 Temp", 97);
        bmc.Run(TimeSpan.FromSeconds(1));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        UdpReceiveResult received = await receiver.ReceiveAsync(limit.Token);
        Trap trap = Trap.Decode(received.Buffer);
        Assert.Equal("rack7", trap.Community);
        Assert.Equal("1.3.6.1.4.1.3183.1.1", trap.Enterprise);
        Assert.Equal(6, trap.GenericTrap);
        Assert.Equal(0x010109, trap.SpecificTrap); // temperature, threshold, assertion of offset 9 (upper critical going high)
        Assert.Equal("1.3.6.1.4.1.3183.1.1.1", trap.BindingOid);
        Assert.Equal(47, trap.Record.Length);
        Assert.Equal(bmc.Host.SystemGuid, new Guid(trap.Record.AsSpan(0, 16), bigEndian: true));
        Assert.Equal((0x10, 3), (trap.Record[26], trap.Record[28])); // severity critical, sensor CPU0 Temp
        var status = await bmc.IpmitoolAsync("raw", "0x04", "0x15");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal(0, bmc.Service.Commands.Table.HandlerFailures);
    }

    [Fact]
    public async Task Pef_configuration_is_checked_out_whole_survives_a_restart_and_refuses_what_it_cannot_do()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        var checkout = await bmc.FreeIpmiAsync("ipmi-pef-config", "--checkout");
        Assert.True(checkout.ExitCode == 0, checkout.ToString());
        Assert.Contains("Section Event_Filter_16", checkout.StdOut);
        Assert.Contains("Section Alert_Policy_16", checkout.StdOut);
        Assert.Contains("Section Lan_Alert_Destination_4", checkout.StdOut);

        var commit = await bmc.FreeIpmiAsync("ipmi-pef-config", "--commit", "--key-pair=Event_Filter_2:Enable_Filter=Yes",
            "--key-pair=Event_Filter_2:Event_Filter_Action_Power_Off=Yes", "--key-pair=Event_Filter_2:Sensor_Type=0x04");
        Assert.True(commit.ExitCode == 0, commit.ToString());
        await bmc.StopAsync();
        await using var again = await InProcessBmc.StartAsync(bmc.Sim, bmc.StateDirectory);
        checkout = await again.FreeIpmiAsync("ipmi-pef-config", "--checkout", "--section=Event_Filter_2");
        Assert.Matches(@"Event_Filter_Action_Power_Off\s+Yes", checkout.StdOut);

        // An OEM action, an acknowledged trap or a filter beyond the table: refused, nothing changed.
        var oem = await again.FreeIpmiAsync("ipmi-pef-config", "--commit", "--key-pair=Event_Filter_3:Event_Filter_Action_Oem=Yes");
        Assert.NotEqual(0, oem.ExitCode);
        var ack = await again.FreeIpmiAsync("ipmi-pef-config", "--commit", "--key-pair=Lan_Alert_Destination_2:Alert_Acknowledge=Yes");
        Assert.NotEqual(0, ack.ExitCode);
        var beyond = await again.IpmitoolAsync("raw", "0x04", "0x13", "0x06", "0x11", "0x00");
        Assert.Contains("rsp=0xc9", beyond.StdErr);
        checkout = await again.FreeIpmiAsync("ipmi-pef-config", "--checkout", "--section=Event_Filter_3", "--section=Lan_Alert_Destination_2");
        Assert.Matches(@"Event_Filter_Action_Oem\s+No", checkout.StdOut);
        Assert.Matches(@"Alert_Acknowledge\s+No", checkout.StdOut);
    }

    /// <summary>An SNMPv1 trap, read with just enough BER to check what PET puts in it.</summary>
    private sealed record Trap(string Community, string Enterprise, int GenericTrap, int SpecificTrap, string BindingOid, byte[] Record)
    {
        public static Trap Decode(byte[] bytes)
        {
            var message = new Ber(bytes).Sequence();
            Assert.Equal(0, message.Integer());
            string community = System.Text.Encoding.ASCII.GetString(message.Octets());
            var pdu = message.Tagged(0xA4);
            string enterprise = pdu.Oid();
            pdu.Tagged(0x40);
            int generic = pdu.Integer();
            int specific = pdu.Integer();
            pdu.Tagged(0x43);
            var binding = pdu.Sequence().Sequence();
            return new Trap(community, enterprise, generic, specific, binding.Oid(), binding.Octets());
        }
    }

    private sealed class Ber(byte[] bytes, int at = 0, int end = -1)
    {
        private int _at = at;
        private readonly int _end = end < 0 ? bytes.Length : end;

        public Ber Sequence() => Tagged(0x30);

        public Ber Tagged(byte tag)
        {
            (int start, int length) = Header(tag);
            _at = start + length;
            return new Ber(bytes, start, start + length);
        }

        public int Integer()
        {
            (int start, int length) = Header(0x02);
            _at = start + length;
            long value = (sbyte)bytes[start];
            for (int i = 1; i < length; i++)
            {
                value = (value << 8) | bytes[start + i];
            }

            return (int)value;
        }

        public byte[] Octets()
        {
            (int start, int length) = Header(0x04);
            _at = start + length;
            return bytes[start..(start + length)];
        }

        public string Oid()
        {
            (int start, int length) = Header(0x06);
            _at = start + length;
            var arcs = new List<long> { bytes[start] / 40, bytes[start] % 40 };
            long arc = 0;
            for (int i = start + 1; i < start + length; i++)
            {
                arc = (arc << 7) | (bytes[i] & 0x7Fu);
                if ((bytes[i] & 0x80) == 0)
                {
                    arcs.Add(arc);
                    arc = 0;
                }
            }

            return string.Join('.', arcs);
        }

        private (int Start, int Length) Header(byte tag)
        {
            Assert.True(_at < _end, "the trap ends early");
            Assert.Equal(tag, bytes[_at]);
            int length = bytes[_at + 1];
            int start = _at + 2;
            if ((length & 0x80) != 0)
            {
                int count = length & 0x7F;
                length = 0;
                for (int i = 0; i < count; i++)
                {
                    length = (length << 8) | bytes[start + i];
                }

                start += count;
            }

            return (start, length);
        }
    }
}
