using System.Diagnostics;
using System.Globalization;
using System.Text;
using Appliance.Hw.Remote;
using Appliance.Hw.Sim.Remote;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>
/// The panel in the shipped processes: appliance-bmc driving a board served by a separate
/// appliance-board-sim process, buttons pressed and the LCD read back through the board's
/// control socket, on real time.
/// </summary>
public sealed class ProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("bmc-panel-proc-").FullName;
    private readonly Process _board;
    private readonly Process _bmc;
    private readonly StringBuilder _bmcOutput = new();
    private readonly BoardClient _client;

    public ProcessTests()
    {
        string socket = Path.Combine(_folder, "board.sock");
        _board = Start("appliance-board-sim", new StringBuilder(), "simulated hc1 board serving",
            "serve", "--board", Repo.Hc1, "--socket", socket);
        // A configured password: a generated one would take the first idle screen until changed.
        string password = Path.Combine(_folder, "admin-password");
        File.WriteAllText(password, "Panel-admin-1");
        _bmc = Start("appliance-bmc", _bmcOutput, "front panel:",
            "--board", Repo.Hc1, "--board-socket", socket, "--state-dir", Path.Combine(_folder, "state"),
            "--run-dir", Path.Combine(_folder, "run"), "--ipmi", "off", "--redfish", "off", "--admin-password-file", password);
        _client = new BoardClient(socket);
    }

    public void Dispose()
    {
        _client.Dispose();
        foreach (Process process in new[] { _bmc, _board })
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(30)); // SIGKILL: nothing more to wait for if it is stuck in the kernel
            }

            process.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void The_bmc_process_runs_the_panel_and_powers_the_host_on_from_it()
    {
        WaitForLcd(
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
        PressAndWait("PANEL_SELECT",
            "Setup            1/6",
            ">BMC network",
            " Hostname",
            " Cluster join");
        PressAndWait("PANEL_DOWN",
            "Setup            2/6",
            " BMC network",
            ">Hostname",
            " Cluster join");
        PressAndWait("PANEL_DOWN",
            "Setup            3/6",
            " BMC network",
            " Hostname",
            ">Cluster join");
        PressAndWait("PANEL_DOWN",
            "Setup            4/6",
            " Hostname",
            " Cluster join",
            ">Power");
        PressAndWait("PANEL_SELECT",
            "Power: Off       1/4",
            ">Power on",
            " Power off",
            " Force off");
        PressAndWait("PANEL_SELECT",
            "Power on the host?",
            "",
            "SELECT: yes",
            "BACK: no");
        PressAndWait("PANEL_SELECT",
            "Power on requested",
            "Power: On",
            "",
            "BACK: menu");
        Assert.NotEqual("Off", _client.Status().HostState);

        // SIGTERM: the BMC stops, says so on the panel, and leaves the host running.
        using (Process kill = Process.Start("kill", ["-TERM", _bmc.Id.ToString(CultureInfo.InvariantCulture)])!)
        {
            Assert.True(kill.WaitForExit(TimeSpan.FromSeconds(30)), "kill -TERM did not finish");
        }

        Assert.True(_bmc.WaitForExit(Patience), "the BMC did not stop on SIGTERM: " + Output());
        WaitForLcd("BMC not running", "", "", "");
        Assert.NotEqual("Off", _client.Status().HostState);
    }

    /// <summary>Presses a button through the board's control socket and waits for the LCD to show the rows.</summary>
    private void PressAndWait(string button, params string[] rows)
    {
        // The last change on the LCD came from the previous button's release; GpioButton ignores
        // a press that comes within its debounce time of a release.
        Thread.Sleep(TimeSpan.FromMilliseconds(50));
        _client.Control(new SimControlRequest { Command = "press", Name = button, Value = 60 });
        WaitForLcd(rows);
    }

    private void WaitForLcd(params string[] rows)
    {
        string[] expected = PanelRig.Expected(rows);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<string> shown = _client.Status().Lcd;
        while (!expected.SequenceEqual(shown) && clock.Elapsed < Patience)
        {
            Thread.Sleep(20);
            shown = _client.Status().Lcd;
        }

        Assert.True(expected.SequenceEqual(shown), $"the LCD shows [{string.Join("|", shown)}]; BMC output:\n{Output()}");
    }

    private string Output()
    {
        lock (_bmcOutput)
        {
            return _bmcOutput.ToString();
        }
    }

    private static Process Start(string program, StringBuilder output, string ready, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, program), args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        var started = new ManualResetEventSlim();
        DataReceivedEventHandler collect = (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains(ready, StringComparison.Ordinal) == true)
            {
                started.Set();
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!started.Wait(Patience))
        {
            process.Kill();
            lock (output)
            {
                Assert.Fail($"{program} did not start: {output}");
            }
        }

        return process;
    }
}
