using System.Diagnostics;
using Appliance.Hw.Remote;
using Appliance.Hw.Sim.Remote;

namespace Appliance.Bmc.Tests;

/// <summary>The appliance-bmc process as an operator starts it.</summary>
public class ProcessTests
{
    private static string Bmc => Path.Combine(AppContext.BaseDirectory, "appliance-bmc");

    [Fact]
    public void A_wrong_board_file_stops_the_bmc_with_a_message_naming_file_path_and_value()
    {
        string broken = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.json");
        File.WriteAllText(broken, File.ReadAllText(Repo.Hc1).Replace("\"sensorPollMs\": 250", "\"sensorPollMs\": 5"));
        try
        {
            (int exit, string output) = Run("--board", broken, "--ipmi", "off", "--redfish", "off");

            Assert.Equal(2, exit);
            Assert.Contains($"{broken}: $.sensorPollMs: 5: must be 50..60000 ms", output);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Bad_options_are_named_with_the_usage(string endpoint)
    {
        (int exit, string output) = Run("--board", Repo.Hc1, "--ipmi", endpoint);

        Assert.Equal(2, exit);
        Assert.Contains($"--ipmi: '{endpoint}' is not ADDRESS:PORT", output);
        Assert.Contains("usage: appliance-bmc", output);
    }

    [Fact]
    public void A_taken_ipmi_port_stops_the_bmc_with_an_error_naming_the_address()
    {
        using var taken = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var endpoint = (System.Net.IPEndPoint)taken.Client.LocalEndPoint!;
        string state = Directory.CreateTempSubdirectory("bmc-state-").FullName;
        string run = Directory.CreateTempSubdirectory("bmc-run-").FullName;
        using var board = new BoardSimProcess();
        try
        {
            (int exit, string output) = Run("--board", Repo.Hc1, "--board-socket", board.Socket, "--state-dir", state, "--run-dir", run,
                "--ipmi", endpoint.ToString(), "--redfish", "off");

            Assert.Equal(1, exit);
            Assert.Contains($"cannot serve: cannot listen on udp {endpoint}: Address already in use", output);
            Assert.DoesNotContain("Unhandled exception", output);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
            Directory.Delete(run, recursive: true);
        }
    }

    [Fact]
    public void A_taken_redfish_port_stops_the_bmc_with_an_error_naming_the_address()
    {
        var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var endpoint = (System.Net.IPEndPoint)taken.LocalEndpoint;
        string state = Directory.CreateTempSubdirectory("bmc-state-").FullName;
        string run = Directory.CreateTempSubdirectory("bmc-run-").FullName;
        using var board = new BoardSimProcess();
        try
        {
            (int exit, string output) = Run("--board", Repo.Hc1, "--board-socket", board.Socket, "--state-dir", state, "--run-dir", run,
                "--ipmi", "off", "--redfish", endpoint.ToString());

            Assert.Equal(1, exit);
            Assert.Contains($"cannot serve: Failed to bind to address https://{endpoint}: address already in use", output);
            Assert.DoesNotContain("Unhandled exception", output);
        }
        finally
        {
            taken.Stop();
            Directory.Delete(state, recursive: true);
            Directory.Delete(run, recursive: true);
        }
    }

    [Fact]
    public void The_simulated_bmc_starts_generates_the_initial_password_once_shows_it_on_the_panel_never_in_its_log_and_stops_on_sigterm()
    {
        string state = Directory.CreateTempSubdirectory("bmc-state-").FullName;
        string run = Directory.CreateTempSubdirectory("bmc-run-").FullName;
        using var board = new BoardSimProcess();
        using var panel = new BoardClient(board.Socket);
        try
        {
            string[] firstLcd = [];
            string first = StartAndStop(state, run, board.Socket, () => firstLcd = WaitForLcdRow(panel, "First login: admin", "^[A-Za-z0-9]{16}$"));
            string password = firstLcd[Array.FindIndex(firstLcd, row => row.StartsWith("First login: admin", StringComparison.Ordinal)) + 1].Trim();

            // Its output is not a terminal, so it is a log: the password is on the panel only.
            Assert.Matches("^[A-Za-z0-9]{16}$", password);
            Assert.DoesNotContain(password, first);
            Assert.Contains("initial administrator admin created with a generated password, shown on the front panel", first);
            Assert.Contains("BMC for board hc1 running", first);
            Assert.Contains("BMC stopping", first);

            string second = StartAndStop(state, run, board.Socket);
            Assert.DoesNotContain("initial administrator", second);
            Assert.DoesNotContain(password, second);
        }
        finally
        {
            Directory.Delete(state, true);
            Directory.Delete(run, true);
        }
    }

    /// <summary>
    /// The LCD's rows once one of them starts with <paramref name="start"/> and the row under it matches
    /// <paramref name="next"/>: the idle screens rotate, and the BMC writes a screen a row at a time.
    /// </summary>
    private static string[] WaitForLcdRow(BoardClient panel, string start, string next)
    {
        bool Shown(IReadOnlyList<string> rows)
        {
            int at = rows.ToList().FindIndex(row => row.StartsWith(start, StringComparison.Ordinal));
            return at >= 0 && at + 1 < rows.Count && System.Text.RegularExpressions.Regex.IsMatch(rows[at + 1].Trim(), next);
        }

        var clock = Stopwatch.StartNew();
        IReadOnlyList<string> shown = panel.Status().Lcd;
        while (!Shown(shown) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(50);
            shown = panel.Status().Lcd;
        }

        Assert.True(Shown(shown), $"the LCD shows [{string.Join("|", shown)}]");
        return [.. shown];
    }

    private static string StartAndStop(string state, string run, string boardSocket, Action? whileRunning = null)
    {
        var info = new ProcessStartInfo(Bmc, ["--board", Repo.Hc1, "--board-socket", boardSocket, "--state-dir", state, "--run-dir", run, "--ipmi", "off", "--redfish", "off"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process bmc = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        var started = new ManualResetEventSlim();
        bmc.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains("BMC for board") == true)
            {
                started.Set();
            }
        };
        bmc.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        bmc.BeginOutputReadLine();
        bmc.BeginErrorReadLine();
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the BMC did not start: " + output);
        whileRunning?.Invoke();
        using (Process kill = Process.Start("kill", ["-TERM", bmc.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            Assert.True(kill.WaitForExit(TimeSpan.FromSeconds(30)), "kill -TERM did not finish");
        }

        Assert.True(bmc.WaitForExit(TimeSpan.FromSeconds(30)), "the BMC did not stop on SIGTERM");
        // The parameterless wait also waits for the output to end; it gets a limit of its own.
        Assert.True(Task.Run(() => bmc.WaitForExit()).Wait(TimeSpan.FromSeconds(30)), "the BMC's output did not end");
        Assert.Equal(0, bmc.ExitCode);
        lock (output)
        {
            return output.ToString();
        }
    }

    private static (int Exit, string Output) Run(params string[] args)
    {
        var info = new ProcessStartInfo(Bmc, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(info)!;
        Task<string> stdout = Task.Factory.StartNew(process.StandardOutput.ReadToEnd, TaskCreationOptions.LongRunning);
        Task<string> stderr = Task.Factory.StartNew(process.StandardError.ReadToEnd, TaskCreationOptions.LongRunning);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)));
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
