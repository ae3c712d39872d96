namespace Appliance.Hw.Sim.Chips;

/// <summary>The page every EE1004 on one SMBus segment shows: SPA0/SPA1 writes switch them all together.</summary>
public sealed class SpdPage
{
    public int Current { get; set; }
}
