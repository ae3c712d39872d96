using System.Diagnostics;
using System.Security.Cryptography;
using Appliance.Bmc.Sel;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Firmware;

/// <summary>
/// The BMC's firmware in two slots: the one it booted from (active) and the other (standby). An
/// update is verified completely, written to the standby slot, read back, and only then named in
/// the boot environment as the slot to boot, with a few tries; it becomes active at the next BMC
/// reset. A slot that never reports healthy within its tries is given up by the bootloader, which
/// boots the previous slot again; the BMC then logs that in the SEL.
/// </summary>
public sealed class FirmwareSlots : IDisposable
{
    private static readonly TimeSpan ResetCommandLimit = TimeSpan.FromSeconds(60);
    private readonly FirmwareLayout _layout;
    private readonly BootEnvironment _environment;
    private readonly ECDsa _key;
    private readonly string _board;
    private readonly SelLog _sel;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _updating = new(1, 1);

    public FirmwareSlots(FirmwareLayout layout, string board, SelLog sel, ILogger log)
    {
        _layout = layout;
        _board = board;
        _sel = sel;
        _log = log;
        _environment = BootEnvironment.Open(layout.Environment);
        _key = FirmwarePackage.LoadPublicKey(layout.PublicKey);
        BootedSlot = layout.BootedSlot ?? SlotFromCommandLine(File.ReadAllText("/proc/cmdline"))
            ?? throw new FirmwareLayoutException("the kernel command line names no appliance.slot= and the layout no bootedSlot");
        if (!layout.Slots.ContainsKey(BootedSlot))
        {
            throw new FirmwareLayoutException($"booted from slot '{BootedSlot}', which the layout does not have");
        }

        StandbySlot = layout.Slots.Keys.Single(s => s != BootedSlot);
        RunningVersion = ImageVersion(layout.OsRelease) ?? "unknown";
    }

    public string BootedSlot { get; }
    public string StandbySlot { get; }

    /// <summary>The version of the firmware running now (IMAGE_VERSION of its os-release).</summary>
    public string RunningVersion { get; }

    /// <summary>The largest image accepted: a full slot plus room for the manifest and signature.</summary>
    public long MaxImageBytes => _layout.SlotSize + 128 * 1024;

    public string StagingDirectory => _layout.StagingDirectory ?? Path.GetTempPath();

    /// <summary>True when a BMC reset reboots the BMC (and so boots the slot the environment names).</summary>
    public bool ResetReboots => _layout.ResetCommand is { Count: > 0 };

    /// <summary>Both slots as they stand: what each holds and which boots next.</summary>
    public IReadOnlyList<FirmwareSlotState> Slots()
    {
        IReadOnlyDictionary<string, string> env = _environment.Read();
        string next = env.GetValueOrDefault("slot") is { Length: > 0 } s ? s : BootedSlot;
        return _layout.Slots.Keys.Order(StringComparer.Ordinal).Select(id => new FirmwareSlotState(
            id,
            id == BootedSlot ? RunningVersion : env.GetValueOrDefault("version_" + id) is { Length: > 0 } v ? v : null,
            Active: id == BootedSlot,
            BootsNext: id == next)).ToList();
    }

    /// <summary>
    /// Verifies the image at <paramref name="imagePath"/> and writes it to the standby slot, to be
    /// booted at the next BMC reset. Nothing is written unless the image verifies.
    /// </summary>
    /// <exception cref="FirmwarePackageException">the image is refused; nothing changed.</exception>
    /// <exception cref="FirmwareBusyException">another update is being written.</exception>
    public FirmwareManifest Apply(string imagePath)
    {
        if (!_updating.Wait(0))
        {
            throw new FirmwareBusyException();
        }

        try
        {
            FirmwarePackage.Verified image = FirmwarePackage.Verify(imagePath, _key, _board, _layout.Architecture, _layout.SlotSize);
            FirmwareManifest manifest = image.Manifest;
            _log.LogInformation("firmware {Version} verified; writing it to slot {Slot}", manifest.Version, StandbySlot);

            // A slot being written must never be booted: forget what it held and boot the active slot until it is done.
            _environment.Update(new Dictionary<string, string?>
            {
                ["slot"] = BootedSlot, ["fallback"] = null, ["tries"] = null, ["version_" + StandbySlot] = null,
            });
            WriteSlot(imagePath, image);
            _environment.Update(new Dictionary<string, string?>
            {
                ["slot"] = StandbySlot,
                ["fallback"] = BootedSlot,
                ["tries"] = _layout.BootTries.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["version_" + StandbySlot] = manifest.Version,
            });
            _log.LogInformation("firmware {Version} is in slot {Slot}; it boots at the next BMC reset", manifest.Version, StandbySlot);
            return manifest;
        }
        finally
        {
            _updating.Release();
        }
    }

    /// <summary>
    /// Called once the BMC's services run: confirms a slot booted on trial, and logs a fall-back
    /// the bootloader made since the last start.
    /// </summary>
    public void ConfirmHealthy()
    {
        IReadOnlyDictionary<string, string> env = _environment.Read();
        var changes = new Dictionary<string, string?>();
        if (env.GetValueOrDefault("fell_back") is { Length: > 0 } failed)
        {
            string failedVersion = env.GetValueOrDefault("version_" + failed) ?? "unknown";
            _log.LogWarning("firmware {Version} in slot {Failed} did not report healthy within {Tries} boots; the bootloader went back to slot {Slot} ({Running})",
                failedVersion, failed, _layout.BootTries, BootedSlot, RunningVersion);
            _sel.Add(BuiltInSensors.Event(BuiltInSensors.BmcFirmware, BuiltInSensors.VersionChangeType, BuiltInSensors.FirmwareInvalidOffset));
            changes["fell_back"] = null;
        }

        if (env.GetValueOrDefault("slot") == BootedSlot && env.GetValueOrDefault("tries") is { Length: > 0 })
        {
            _log.LogInformation("firmware {Version} in slot {Slot} is healthy; it stays active", RunningVersion, BootedSlot);
            _sel.Add(BuiltInSensors.Event(BuiltInSensors.BmcFirmware, BuiltInSensors.VersionChangeType, BuiltInSensors.FirmwareChangeSuccessfulOffset));
            changes["tries"] = null;
            changes["fallback"] = null;
        }

        if (env.GetValueOrDefault("version_" + BootedSlot) != RunningVersion)
        {
            changes["version_" + BootedSlot] = RunningVersion;
        }

        if (changes.Count > 0)
        {
            _environment.Update(changes);
        }
    }

    /// <summary>
    /// Resets the BMC: runs the configured command (a reboot, which boots the slot the environment
    /// names) and waits for it. False when it failed: the BMC then exits with an error, and its
    /// service manager restarts it rather than leave it stopped.
    /// </summary>
    public bool ResetBmc()
    {
        IReadOnlyList<string> command = _layout.ResetCommand ?? throw new InvalidOperationException("this firmware layout has no reset command");
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (string arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        string shown = string.Join(' ', command);
        _log.LogInformation("BMC reset: {Command}", shown);
        try
        {
            // The service's processes are stopped the moment the BMC exits: the command must have
            // handed the reboot over (systemctl queued it) before then, or no reboot ever happens.
            using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{command[0]} did not start");
            if (!process.WaitForExit(ResetCommandLimit))
            {
                _log.LogError("BMC reset: {Command} did not finish within {Seconds} s", shown, ResetCommandLimit.TotalSeconds);
                process.Kill();
                return false;
            }

            if (process.ExitCode != 0)
            {
                _log.LogError("BMC reset: {Command} failed with exit code {ExitCode}", shown, process.ExitCode);
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            _log.LogError("BMC reset: {Command} could not run: {Message}", shown, ex.Message);
            return false;
        }
    }

    public void Dispose()
    {
        _key.Dispose();
        _updating.Dispose();
    }

    /// <summary>The slot the bootloader booted: "appliance.slot=X" on the kernel command line.</summary>
    public static string? SlotFromCommandLine(string cmdline) =>
        cmdline.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(a => a.StartsWith("appliance.slot=", StringComparison.Ordinal))
            .Select(a => a["appliance.slot=".Length..])
            .LastOrDefault();

    private static string? ImageVersion(string osRelease)
    {
        if (!File.Exists(osRelease))
        {
            return null;
        }

        foreach (string line in File.ReadLines(osRelease))
        {
            if (line.StartsWith("IMAGE_VERSION=", StringComparison.Ordinal))
            {
                return line["IMAGE_VERSION=".Length..].Trim('"');
            }
        }

        return null;
    }

    private void WriteSlot(string imagePath, FirmwarePackage.Verified image)
    {
        string slot = _layout.Slots[StandbySlot];
        long length = image.Manifest.PayloadLength;
        byte[] buffer = new byte[1 << 16];
        using (var source = new FileStream(imagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        using (var target = new FileStream(slot, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite, 1))
        {
            source.Position = image.PayloadOffset;
            for (long left = length; left > 0;)
            {
                int n = source.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                target.Write(buffer, 0, n);
                left -= n;
            }

            target.Flush(flushToDisk: true);
        }

        // Read back what the slot holds now: a write that did not reach flash must not be booted.
        using var readBack = new FileStream(slot, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long left = length; left > 0;)
        {
            int n = readBack.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0)
            {
                throw new IOException($"slot {StandbySlot} ({slot}) ended before {length} bytes were read back");
            }

            sha.AppendData(buffer, 0, n);
            left -= n;
        }

        if (!Convert.ToHexStringLower(sha.GetHashAndReset()).Equals(image.Manifest.PayloadSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new IOException($"slot {StandbySlot} ({slot}) does not read back what was written to it");
        }
    }
}

/// <summary>One slot: what it holds, whether it runs now, whether it boots at the next reset.</summary>
public sealed record FirmwareSlotState(string Id, string? Version, bool Active, bool BootsNext);

public sealed class FirmwareBusyException() : Exception("another firmware update is being written");
