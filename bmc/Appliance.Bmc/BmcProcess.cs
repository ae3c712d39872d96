using System.Net;
using System.Net.NetworkInformation;
using Appliance.Bmc.Firmware;
using Appliance.Bmc.Network;
using Appliance.Bmc.Supervision;
using Appliance.Hw;
using Appliance.Hw.Boards;
using Appliance.Hw.Remote;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc;

/// <summary>
/// The appliance-bmc process: opens the board, runs the BMC services and their front doors, and
/// restarts them in place on request without touching the host.
/// </summary>
public static class BmcProcess
{
    public static async Task<int> RunAsync(BmcOptions options, BmcLifetime lifetime)
    {
        using ILoggerFactory loggers = LoggerFactory.Create(b => b
            .SetMinimumLevel(options.LogLevel)
            // ASP.NET Core says four things about every request at Information; they are for debugging.
            .AddFilter("Microsoft.AspNetCore", options.LogLevel <= LogLevel.Debug ? options.LogLevel : LogLevel.Warning)
            .AddFilter(AccessLog.Category, options.AccessLog ? LogLevel.Information : LogLevel.None)
            .AddSystemdConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff "));
        ILogger log = loggers.CreateLogger("appliance-bmc");

        BoardDescription description = BoardFile.Load(options.BoardFile);
        bool acPowerRestored = AcPowerMarker.FirstStartSinceAcPower(options.RunDirectory);
        FirmwareLayout? layout = options.FirmwareLayout is string layoutFile ? FirmwareLayout.Load(layoutFile) : null;
        using var notifier = new SystemdNotifier();
        using HardwareWatchdog? watchdog = options.WatchdogDevice is string device ? HardwareWatchdog.Open(device, options.WatchdogTimeoutSeconds) : null;
        if (watchdog is not null)
        {
            log.LogInformation("hardware watchdog {Device}: {Seconds} s", watchdog.Device, watchdog.TimeoutSeconds);
        }

        await using var supervisor = new BmcSupervisor(notifier, watchdog, log);

        string? generatedPassword = null;

        // The doors' endpoints as bound: a port the system chose (port 0) stays the BMC's when its services restart.
        BmcOptions serving = options;

        while (true)
        {
            IBoardPlatform platform = options.BoardSocket is string socket ? new RemoteBoardPlatform(socket) : new LinuxBoardPlatform(description);
            using var board = new Board(description, platform);
            using var host = new BmcCore(board, options.StateDirectory, TimeProvider.System, loggers, NetworkDefaults(options, description));
            string? generated = host.Accounts.EnsureInitialAdministrator(options.AdminUser, options.AdminPassword, passwordChangeRequired: false);

            // Kept across restarts in place, so the panel goes on showing it until it is changed.
            generatedPassword = generated ?? generatedPassword;
            if (generated is not null && !Console.IsOutputRedirected)
            {
                // Shown on the front panel until changed, and here only when a person is watching a
                // terminal: output that is not a terminal (a pipe, a file, the journal) is a log,
                // and a secret never goes to a log.
                Console.WriteLine($"initial administrator: {options.AdminUser} password: {generated} (change it at first login)");
            }
            else if (generated is not null)
            {
                log.LogWarning("initial administrator {User} created with a generated password, shown on the front panel until it is changed", options.AdminUser);
            }

            using FirmwareSlots? firmware = layout is null ? null : new FirmwareSlots(layout, description.Model, host.Sel, loggers.CreateLogger<FirmwareSlots>());
            host.Start(acPowerRestored);
            acPowerRestored = false;
            log.LogInformation("BMC for board {Model} running; state in {StateDirectory}", description.Model, options.StateDirectory);

            var doors = new List<IFrontDoor>();
            try
            {
                foreach (IFrontDoor door in FrontDoors.For(host, serving, lifetime, generatedPassword, firmware))
                {
                    try
                    {
                        await door.StartAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (IOException e)
                    {
                        // An address in use or not this machine's: the operator's to fix, so say which and stop
                        // with an error (systemd tries again later) rather than serve without that door.
                        log.LogCritical("cannot serve: {Reason}", e.Message);
                        await door.DisposeAsync().ConfigureAwait(false);
                        notifier.Stopping();
                        return 1;
                    }

                    doors.Add(door);
                    log.LogInformation("{FrontDoor}", door.Description);
                }

                serving = FrontDoors.Bound(serving, doors);

                log.LogInformation("BMC ready");
                supervisor.Watch(host);
                firmware?.ConfirmHealthy();
                notifier.Ready(firmware is null ? "BMC ready" : $"BMC ready, firmware {firmware.RunningVersion} from slot {firmware.BootedSlot}");

                // Start-up leaves garbage (board file, SDR and inventory building, TLS set-up) that a
                // busy GC would keep committed; give it back now, since a BMC's memory is small.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

                bool restart = await lifetime.WaitAsync().ConfigureAwait(false);
                supervisor.Unwatch(host);
                if (!restart)
                {
                    log.LogInformation("BMC stopping");
                    notifier.Stopping();
                    return 0;
                }

                if (firmware is { ResetReboots: true })
                {
                    // A BMC reset on the firmware is a reboot: it boots the slot the boot environment names.
                    log.LogInformation("BMC resetting; the host is not touched");
                    notifier.Stopping();
                    return firmware.ResetBmc() ? 0 : 1;
                }

                log.LogInformation("BMC services restarting; the host is not touched");
            }
            finally
            {
                foreach (IFrontDoor door in Enumerable.Reverse(doors))
                {
                    await door.DisposeAsync().ConfigureAwait(false);
                }

                (platform as IDisposable)?.Dispose();
            }
        }
    }

    /// <summary>
    /// What the management network looks like until someone configures it: the host name from
    /// the command line, and the address the BMC was told to serve on when it names one (the first
    /// not on loopback: the address other hosts reach it at, which LAN parameter 3 reports).
    /// </summary>
    private static NetworkConfiguration NetworkDefaults(BmcOptions options, BoardDescription board)
    {
        IPAddress[] named = [.. options.IpmiEndpoints.Concat(options.RedfishEndpoints).Select(e => e.Address).Where(a => !a.Equals(IPAddress.Any))];
        IPAddress address = named.FirstOrDefault(a => !IPAddress.IsLoopback(a)) ?? named.FirstOrDefault() ?? IPAddress.Loopback;
        byte[] mac = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
        if (options.IpmiEndpoints.FirstOrDefault() is { } endpoint)
        {
            // Locally administered and distinct per node on one machine (their ports differ).
            mac[4] = (byte)(endpoint.Port >> 8);
            mac[5] = (byte)endpoint.Port;
        }

        return new NetworkConfiguration(
            IpAddressSource.Static,
            address,
            IPAddress.IsLoopback(address) ? IPAddress.Parse("255.0.0.0") : IPAddress.Parse("255.255.255.0"),
            IPAddress.Any,
            new PhysicalAddress(mac),
            options.HostName ?? board.Model + "-bmc");
    }
}
