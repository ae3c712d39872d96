using System.Device.Gpio;
using System.Device.I2c;
using Appliance.Hw;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>How the panel treats the LCD's slow I2C bus, and an LCD that stops answering.</summary>
public sealed class LcdTests : IDisposable
{
    private readonly LcdTraffic _traffic = new();
    private readonly PanelRig _rig;

    public LcdTests() => _rig = new PanelRig(platform: inner => new CountingPlatform(inner, _traffic));

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void Moving_the_marker_sends_only_the_characters_that_change()
    {
        _rig.Select();
        long before = _traffic.Bytes;
        _rig.PressAndExpect("PANEL_DOWN",
            "Setup            2/6",
            " BMC network",
            ">Hostname",
            " Cluster join");
        long threeCharacters = _traffic.Bytes - before;

        // The same screen in full: make the LCD miss a write so that the panel redraws all of it.
        _rig.Sim.Faults.NackDevice("panel_lcd");
        _rig.Up();
        _rig.Sim.Faults.NackDevice("panel_lcd", nack: false);
        before = _traffic.Bytes;
        _rig.Down();
        long wholeScreen = _traffic.Bytes - before;
        _rig.AssertLcd(
            "Setup            2/6",
            " BMC network",
            ">Hostname",
            " Cluster join");

        Assert.True(threeCharacters > 0);
        Assert.True(threeCharacters * 4 < wholeScreen, $"three characters took {threeCharacters} bus bytes, the whole screen {wholeScreen}");

        // Nothing changes: nothing is sent.
        before = _traffic.Bytes;
        _rig.Run(TimeSpan.FromSeconds(2), FrontPanelService.TickPeriod);
        Assert.Equal(before, _traffic.Bytes);
    }

    [Fact]
    public void An_lcd_that_stops_answering_is_redrawn_with_the_current_screen_when_it_answers_again()
    {
        _rig.Sim.Faults.NackDevice("panel_lcd");
        _rig.Select();
        _rig.Down();
        _rig.AssertLcd(
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
        Assert.Equal(
            PanelRig.Expected("Setup            2/6", " BMC network", ">Hostname", " Cluster join"),
            _rig.Panel.Lines);

        _rig.Sim.Faults.NackDevice("panel_lcd", nack: false);
        _rig.Run(FrontPanelService.TickPeriod);
        _rig.AssertLcd(
            "Setup            2/6",
            " BMC network",
            ">Hostname",
            " Cluster join");
    }

    private sealed class LcdTraffic
    {
        private long _bytes;

        public long Bytes => Interlocked.Read(ref _bytes);

        public void Add(int count) => Interlocked.Add(ref _bytes, count);
    }

    /// <summary>The simulated buses, counting the bytes written to the panel LCD's backpack.</summary>
    private sealed class CountingPlatform(IBoardPlatform inner, LcdTraffic traffic) : IBoardPlatform
    {
        public GpioDriver CreateGpioDriver() => inner.CreateGpioDriver();

        public int LineOffset(GpioLineDescription line) => inner.LineOffset(line);

        public I2cDevice CreateI2cDevice(int bus, int address)
        {
            I2cDevice device = inner.CreateI2cDevice(bus, address);
            return bus == 4 && address == 0x27 ? new CountingDevice(device, traffic) : device;
        }
    }

    private sealed class CountingDevice(I2cDevice inner, LcdTraffic traffic) : I2cDevice
    {
        public override I2cConnectionSettings ConnectionSettings => inner.ConnectionSettings;

        public override byte ReadByte() => inner.ReadByte();

        public override void Read(Span<byte> buffer) => inner.Read(buffer);

        public override void WriteByte(byte value)
        {
            inner.WriteByte(value);
            traffic.Add(1);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            traffic.Add(buffer.Length);
        }

        public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
        {
            inner.WriteRead(writeBuffer, readBuffer);
            traffic.Add(writeBuffer.Length);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
