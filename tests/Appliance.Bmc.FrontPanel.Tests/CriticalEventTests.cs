using Appliance.Bmc.Sel;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>A critical sensor event takes over the display until acknowledged.</summary>
public sealed class CriticalEventTests : IDisposable
{
    private readonly PanelRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void A_critical_event_takes_over_until_select_acknowledges_it_in_the_sel()
    {
        _rig.Sim.Faults.ForceReading("CPU0 Temp", 97);
        _rig.Host.Sensors.Poll();
        _rig.AssertLcd(
            "CRITICAL EVENT",
            "CPU0 Temp",
            "97.0 C (max 95.0)",
            "SELECT: acknowledge");

        // The other buttons do not dismiss it, and it stays after the reading recovers.
        _rig.PressAndExpect("PANEL_BACK",
            "CRITICAL EVENT",
            "CPU0 Temp",
            "97.0 C (max 95.0)",
            "SELECT: acknowledge");
        _rig.PressAndExpect("PANEL_DOWN",
            "CRITICAL EVENT",
            "CPU0 Temp",
            "97.0 C (max 95.0)",
            "SELECT: acknowledge");
        _rig.Sim.Faults.ForceReading("CPU0 Temp", 60);
        _rig.Host.Sensors.Poll();
        _rig.Run(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(250));
        _rig.AssertLcd(
            "CRITICAL EVENT",
            "CPU0 Temp",
            "97.0 C (max 95.0)",
            "SELECT: acknowledge");

        SelEntry critical = _rig.Host.Sel.Entries().Single(e =>
            e.Record.SensorNumber == 3 && e.Record.EventType == 0x01 && !e.Record.IsDeassertion && e.Record.Offset == 0x09);
        int before = _rig.Host.Sel.Count;
        _rig.PressAndExpect("PANEL_SELECT",
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");

        Assert.Equal(before + 1, _rig.Host.Sel.Count);
        SelRecord ack = _rig.Host.Sel.Entries()[^1].Record;
        Assert.Equal(0xC0, ack.RecordType);
        Assert.NotEqual(0u, ack.Timestamp);
        Assert.Equal(
            new byte[] { 0x01, 3, 0x09, (byte)(critical.Id & 0xFF), (byte)(critical.Id >> 8), 0xFF },
            new[] { ack.SensorType, ack.SensorNumber, ack.EventDirType, ack.EventData1, ack.EventData2, ack.EventData3 });
    }

    [Fact]
    public void The_amber_led_blinks_while_an_event_waits_and_stops_when_acknowledged()
    {
        Assert.DoesNotContain(true, AmberSamples());

        _rig.Sim.Faults.ForceReading("DIMM Temp", 92);
        _rig.Host.Sensors.Poll();
        bool[] blinking = AmberSamples();
        Assert.Equal([true, true, false, false, true, true, false, false], Phase(blinking));

        _rig.Select();
        Assert.DoesNotContain(true, AmberSamples());
        Assert.False(_rig.Sim.IsAsserted("STATUS_LED_AMBER"));
    }

    [Fact]
    public void Several_events_are_stepped_through_with_up_and_down_and_acknowledged_one_by_one()
    {
        _rig.Sim.Faults.ForceReading("CPU0 Temp", 96);
        _rig.Sim.Faults.ForceReading("DIMM Temp", 91.5);
        _rig.Host.Sensors.Poll();
        _rig.AssertLcd(
            "CRITICAL EVENT 1/2",
            "CPU0 Temp",
            "96.0 C (max 95.0)",
            "SELECT: acknowledge");
        _rig.PressAndExpect("PANEL_DOWN",
            "CRITICAL EVENT 2/2",
            "DIMM Temp",
            "91.5 C (max 90.0)",
            "SELECT: acknowledge");
        _rig.PressAndExpect("PANEL_SELECT",
            "CRITICAL EVENT",
            "CPU0 Temp",
            "96.0 C (max 95.0)",
            "SELECT: acknowledge");
        _rig.PressAndExpect("PANEL_SELECT",
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
        Assert.Equal(2, _rig.Host.Sel.Entries().Count(e => e.Record.RecordType == 0xC0));
    }

    [Fact]
    public void An_event_interrupts_setup_which_resumes_after_the_acknowledgement()
    {
        _rig.Select();
        _rig.Down();
        _rig.Sim.Faults.ForceReading("CPU1 Temp", 101);
        _rig.Host.Sensors.Poll();
        _rig.AssertLcd(
            "CRITICAL EVENT",
            "CPU1 Temp",
            "101.0 C (max 100.0)",
            "SELECT: acknowledge");
        _rig.PressAndExpect("PANEL_SELECT",
            "Setup            2/6",
            " BMC network",
            ">Hostname",
            " Cluster join");
    }

    [Fact]
    public void A_non_critical_crossing_does_not_take_over()
    {
        _rig.Sim.Faults.ForceReading("Inlet Temp", 36);
        _rig.Host.Sensors.Poll();
        _rig.AssertLcd(
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
        Assert.DoesNotContain(true, AmberSamples());
    }

    /// <summary>The amber LED at each panel tick over two seconds of simulated time.</summary>
    private bool[] AmberSamples()
    {
        var samples = new bool[8];
        for (int i = 0; i < samples.Length; i++)
        {
            _rig.Time.Advance(FrontPanelService.TickPeriod);
            samples[i] = _rig.Sim.IsAsserted("STATUS_LED_AMBER");
        }

        return samples;
    }

    /// <summary>The samples rotated to start at the beginning of an "on" half period.</summary>
    private static bool[] Phase(bool[] samples)
    {
        int start = Enumerable.Range(0, samples.Length).First(i => samples[i] && !samples[(i + samples.Length - 1) % samples.Length]);
        return samples.Skip(start).Concat(samples.Take(start)).ToArray();
    }
}
