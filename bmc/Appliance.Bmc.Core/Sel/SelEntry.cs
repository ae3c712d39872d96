namespace Appliance.Bmc.Sel;

/// <summary>A stored SEL record and when the BMC stored it.</summary>
public sealed record SelEntry(SelRecord Record, DateTimeOffset StoredAt)
{
    public ushort Id => Record.RecordId;
}
