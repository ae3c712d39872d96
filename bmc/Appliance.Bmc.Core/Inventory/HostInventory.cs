using Appliance.Bmc.Storage;
using Appliance.Hw;
using Appliance.Hw.Boards;
using Appliance.Hw.Smbios;
using Appliance.Hw.Spd;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Inventory;

/// <summary>
/// The host's processors and memory. Memory comes from the DIMMs' SPD EEPROMs, read at start and
/// again whenever the host completes POST. Processors come from the SMBIOS table the BIOS leaves
/// in the board's mailbox at the end of POST; the last table read is kept in the settings, so the
/// processors are known while the host is off and across BMC restarts, as OpenBMC's smbios-mdr
/// keeps its copy.
/// </summary>
public sealed class HostInventory : IDisposable
{
    private const string SmbiosKey = "inventory.smbios";

    private readonly Board _board;
    private readonly SettingsStore _settings;
    private readonly ILogger _logger;
    private IDisposable? _post;
    private volatile bool _disposed;

    // Replaced whole after each scan, never changed in place, so readers need no lock.
    private volatile IReadOnlyList<ProcessorSocket> _processors;
    private volatile BiosInformation? _bios;
    private volatile IReadOnlyList<DimmSlot> _memory;

    public HostInventory(Board board, SettingsStore settings, ILogger<HostInventory> logger)
    {
        _board = board;
        _settings = settings;
        _logger = logger;
        _processors = Sockets(null);
        _memory = [.. (board.Description.Memory?.Slots ?? []).Select((slot, i) => new DimmSlot(slot, i, Presence.Unknown, null, "not read yet"))];
    }

    /// <summary>One entry per socket in the board file, in its order.</summary>
    public IReadOnlyList<ProcessorSocket> Processors => _processors;

    /// <summary>The host firmware as its last SMBIOS hand-off described it; null before the first.</summary>
    public BiosInformation? Bios => _bios;

    /// <summary>One entry per DIMM slot in the board file, in its order.</summary>
    public IReadOnlyList<DimmSlot> Memory => _memory;

    /// <summary>Reads the SPDs and the mailbox now, then again on every POST complete.</summary>
    public void Start()
    {
        // The saved table stands in only when the mailbox has none (it is cleared with AC power).
        if (_board.Description.Processors is not null && !TakeSmbiosHandOff())
        {
            RestoreSavedSmbios();
        }

        ReadMemory();

        // Edges arrive on the GPIO event thread (the board connection's reader, for a remote board),
        // which must not wait on I2C itself.
        _post = _board.Lines.OnChange(LineNames.PostComplete, completed =>
        {
            if (completed)
            {
                _ = Task.Run(RescanAfterPost);
            }
        });
    }

    public void Dispose()
    {
        _disposed = true;
        _post?.Dispose();
    }

    private void RescanAfterPost()
    {
        try
        {
            Rescan();
        }
        catch (ObjectDisposedException) when (_disposed)
        {
            // The BMC is stopping under a POST that just completed; the next start reads everything again.
        }
    }

    private void Rescan()
    {
        if (_board.Description.Processors is not null)
        {
            TakeSmbiosHandOff();
        }

        ReadMemory();
    }

    private void ReadMemory()
    {
        if (_board.Description.Memory is MemoryDescription memory)
        {
            _memory = [.. memory.Slots.Select(ReadSlot)];
        }
    }

    private DimmSlot ReadSlot(MemorySlotDescription slot, int index)
    {
        try
        {
            byte[]? spd = _board.ReadSpd(slot);
            return spd is null
                ? new DimmSlot(slot, index, Presence.Absent, null)
                : new DimmSlot(slot, index, Presence.Present, Ddr4Spd.Decode(spd));
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            _logger.LogWarning("DIMM {Slot}: the SPD answered but cannot be used: {Reason}", slot.Locator, e.Message);
            return new DimmSlot(slot, index, Presence.Unknown, null, e.Message);
        }
    }

    /// <summary>Uses the table the BIOS left in the mailbox; false when there is none to use.</summary>
    private bool TakeSmbiosHandOff()
    {
        byte[] image;
        try
        {
            image = _board.ReadSmbiosMailbox();
        }
        catch (IOException e)
        {
            _logger.LogWarning("The SMBIOS mailbox cannot be read; keeping the last processor inventory: {Reason}", e.Message);
            return false;
        }

        if (!SmbiosTable.HasEntryPoint(image))
        {
            return false;
        }

        try
        {
            SmbiosTable table = SmbiosTable.Decode(image);

            // The rest of the mailbox is not part of the hand-off; an unchanged table costs no write.
            string handOff = Convert.ToBase64String(image.AsSpan(0, table.Length));
            if (_settings.Get(SmbiosKey) != handOff)
            {
                _settings.Set(SmbiosKey, handOff);
            }

            Use(table);
            return true;
        }
        catch (InvalidDataException e)
        {
            _logger.LogWarning("The BIOS's SMBIOS hand-off is malformed; keeping the last processor inventory: {Reason}", e.Message);
            return false;
        }
    }

    private void RestoreSavedSmbios()
    {
        if (_settings.Get(SmbiosKey) is not string saved)
        {
            return;
        }

        try
        {
            Use(SmbiosTable.Decode(Convert.FromBase64String(saved)));
        }
        catch (Exception e) when (e is FormatException or InvalidDataException)
        {
            _logger.LogWarning("The saved SMBIOS table is unusable and is ignored until the next POST: {Reason}", e.Message);
        }
    }

    private void Use(SmbiosTable table)
    {
        _processors = Sockets([.. table.Processors]);
        _bios = table.Bios;
    }

    private IReadOnlyList<ProcessorSocket> Sockets(IReadOnlyList<ProcessorInformation>? reported)
    {
        IReadOnlyList<string> names = _board.Description.Processors?.Sockets ?? [];
        return [.. names.Select((name, i) =>
        {
            if (reported is null)
            {
                return new ProcessorSocket(name, i, Presence.Unknown, null);
            }

            // A socket the BIOS left out of its table is one it does not have: report it as empty.
            ProcessorInformation? cpu = reported.FirstOrDefault(p => p.SocketDesignation == name);
            return cpu is { Populated: true }
                ? new ProcessorSocket(name, i, Presence.Present, cpu)
                : new ProcessorSocket(name, i, Presence.Absent, null);
        })];
    }

}
