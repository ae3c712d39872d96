using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// Inventory in the shipped processes: appliance-bmc reading DIMM SPDs and the SMBIOS mailbox of a
/// board served by a separate appliance-board-sim, on real time.
/// </summary>
public sealed class InventoryProcessTests : IDisposable
{
    private const string System = "/redfish/v1/Systems/system";
    private const string Password = "Rack-admin-1";
    private readonly BmcProcessRig _bmc = new();
    private readonly Process _board;

    public InventoryProcessTests()
    {
        string socket = Path.Combine(_bmc.StateDirectory, "board.sock");
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "appliance-board-sim"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "serve", "--board", Repo.Hc1, "--socket", socket })
        {
            start.ArgumentList.Add(arg);
        }

        _board = Process.Start(start)!;
        _board.BeginOutputReadLine();
        _board.BeginErrorReadLine();
        SocketPath = socket;
    }

    private string SocketPath { get; }

    public void Dispose()
    {
        _bmc.Dispose();
        if (!_board.HasExited)
        {
            _board.Kill();
            _board.WaitForExit(TimeSpan.FromSeconds(30)); // SIGKILL: nothing more to wait for if it is stuck in the kernel
        }

        _board.Dispose();
    }

    [Fact]
    public async Task A_bmc_on_a_remote_board_reads_the_dimms_at_start_and_the_processors_at_post_complete()
    {
        DateTime end = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!File.Exists(SocketPath))
        {
            Assert.False(_board.HasExited, "appliance-board-sim exited");
            Assert.True(DateTime.UtcNow < end, "appliance-board-sim did not open its socket");
            await Task.Delay(50);
        }

        await _bmc.StartAsync(adminPassword: Password, boardSocket: SocketPath);
        using HttpClient admin = _bmc.Client("admin", Password);
        JsonObject system = await admin.GetJsonAsync(System);
        Assert.Equal(176, system["MemorySummary"]!["TotalSystemMemoryGiB"]!.GetValue<double>());
        Assert.Null(system["ProcessorSummary"]!["Count"]);

        (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Post, System + "/Actions/ComputerSystem.Reset", """{"ResetType": "On"}""");
        Assert.Equal(HttpStatusCode.NoContent, status);
        JsonObject summary = await WaitForProcessorsAsync(admin);
        Assert.Equal((2, 64, 128), (summary["Count"]!.GetValue<int>(), summary["CoreCount"]!.GetValue<int>(), summary["LogicalProcessorCount"]!.GetValue<int>()));
        JsonObject cpu = await admin.GetJsonAsync(System + "/Processors/CPU1");
        Assert.Equal("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", cpu["Model"]!.GetValue<string>());
        Assert.Equal("Enabled", cpu["Status"]!["State"]!.GetValue<string>());
    }

    private static async Task<JsonObject> WaitForProcessorsAsync(HttpClient admin)
    {
        DateTime end = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            JsonObject summary = (await admin.GetJsonAsync(System))["ProcessorSummary"]!.AsObject();
            if (summary["Count"] is not null)
            {
                return summary;
            }

            Assert.True(DateTime.UtcNow < end, "the processors never appeared after power-on: " + summary.ToJsonString());
            await Task.Delay(200);
        }
    }
}
