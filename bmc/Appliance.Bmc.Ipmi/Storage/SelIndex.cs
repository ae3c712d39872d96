using Appliance.Bmc.Sel;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>
/// The SEL's record IDs in log order, for Get SEL Entry's "next record ID", and the SEL
/// reservation. Rebuilt from the log only after it changed, so reading the whole log entry by
/// entry costs one scan, not one per entry.
/// </summary>
public sealed class SelIndex : IDisposable
{
    private readonly SelLog _sel;
    private volatile ushort[]? _ids;

    public SelIndex(SelLog sel)
    {
        _sel = sel;
        _sel.Added += OnAdded;
        _sel.Cleared += OnCleared;
    }

    public Reservation Reservation { get; } = new();

    public ushort[] Ids() => _ids ??= _sel.Entries().Select(e => e.Id).ToArray();

    /// <summary>Forget the cached order (after a deletion, which the log does not announce).</summary>
    public void Invalidate() => _ids = null;

    /// <summary>Resolves 0000h (first) and FFFFh (last); finds the following ID (FFFFh after the last).</summary>
    public bool TryLocate(ushort requested, out ushort id, out ushort next)
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            ushort[] ids = Ids();
            int index = requested switch
            {
                0x0000 => ids.Length > 0 ? 0 : -1,
                0xFFFF => ids.Length - 1,
                _ => Array.IndexOf(ids, requested),
            };
            if (index >= 0)
            {
                id = ids[index];
                next = index + 1 < ids.Length ? ids[index + 1] : (ushort)0xFFFF;
                return true;
            }

            Invalidate(); // maybe added since the index was built
        }

        id = 0;
        next = 0xFFFF;
        return false;
    }

    public void Dispose()
    {
        _sel.Added -= OnAdded;
        _sel.Cleared -= OnCleared;
    }

    private void OnAdded(SelEntry entry) => _ids = null;

    private void OnCleared()
    {
        _ids = null;
        Reservation.Cancel();
    }
}
