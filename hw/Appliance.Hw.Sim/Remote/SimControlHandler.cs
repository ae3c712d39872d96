using Appliance.Hw.Boards;

namespace Appliance.Hw.Sim.Remote;

/// <summary>Carries out <see cref="SimControlRequest"/>s on a board and reports its status.</summary>
public static class SimControlHandler
{
    public static async Task<SimControlResponse> HandleAsync(SimBoard board, SimControlRequest r)
    {
        switch (r.Command)
        {
            case "status":
                break;
            case "press":
                board.SetInput(Need(r.Name, "name"), true);
                await Task.Delay(TimeSpan.FromMilliseconds(r.Value ?? 200), board.Time).ConfigureAwait(false);
                board.SetInput(r.Name!, false);
                break;
            case "set-input": board.SetInput(Need(r.Name, "name"), r.Flag ?? true); break;
            case "set-load" when board.HostOperatingSystem is not null:
                throw new InvalidOperationException("the host's load follows the CPU time of its virtual machines while it has an operating system");
            case "set-load": board.HostLoad = Need(r.Value, "value"); break;
            case "set-ambient": board.AmbientC = Need(r.Value, "value"); break;
            case "stick-sensor": board.Faults.StickSensor(Need(r.Name, "name")); break;
            case "force-reading": board.Faults.ForceReading(Need(r.Name, "name"), Need(r.Value, "value")); break;
            case "clear-reading": board.Faults.ClearReading(Need(r.Name, "name")); break;
            case "nack-device": board.Faults.NackDevice(Need(r.Name, "name"), r.Flag ?? true); break;
            case "fail-fan": board.Faults.FailFan(Need(r.Name, "name"), r.Flag ?? true); break;
            case "corrupt-spd": board.Faults.CorruptSpd(Need(r.Name, "name"), (int)Need(r.Value, "value")); break;
            case "pwrok-never": board.Faults.PsPowerOkNeverAsserts = r.Flag ?? true; break;
            case "hang-at-post": board.Faults.HangAtPost = r.Flag ?? true; break;
            case "ignore-acpi": board.Faults.HostIgnoresAcpi = r.Flag ?? true; break;
            default:
                throw new ArgumentException($"unknown command '{r.Command}'");
        }

        return Status(board);
    }

    public static SimControlResponse Status(SimBoard board)
    {
        BoardDescription d = board.Description;
        return new SimControlResponse
        {
            Model = d.Model,
            HostState = board.HostState.ToString(),
            BootCount = board.HostBootCount,
            ResetCount = board.HostResetCount,
            NmiCount = board.HostNmiCount,
            AcpiShutdownCount = board.HostAcpiShutdownCount,
            HostLoad = board.HostLoad,
            HostOs = board.HostOperatingSystem?.State,
            HostWatts = board.HostWatts,
            AmbientC = board.AmbientC,
            Lines = d.Gpio.Lines.ToDictionary(l => l.Name, l => board.IsAsserted(l.Name)),
            Sensors = d.Sensors.ToDictionary(s => s.Name, s => Math.Round(board.Truth(s.Name), 3)),
            FanDutyPercent = d.Fans.ToDictionary(f => f.Name, f => Math.Round(board.FanDutyPercent(f.Name), 1)),
            Lcd = board.LcdLines,
            LcdBacklight = board.LcdBacklight,
            SerialBreaks = board.SerialPort.BreakCount,
            HostConsoleRunning = board.SerialPort.ConsoleRunning,
        };
    }

    private static T Need<T>(T? value, string what)
        where T : struct => value ?? throw new ArgumentException($"this command needs a {what}");

    private static string Need(string? value, string what) => value ?? throw new ArgumentException($"this command needs a {what}");
}
