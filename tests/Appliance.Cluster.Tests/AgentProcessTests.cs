using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Cluster.Tests;

/// <summary>The appliance-node process as its unit starts it, when something is wrong around it.</summary>
public class AgentProcessTests
{
    [Fact]
    public void A_taken_listen_port_stops_the_agent_with_an_error_naming_the_address()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        string suffix = Guid.NewGuid().ToString("N")[..6];
        string network = $"appliance-test-{suffix}";
        string state = Directory.CreateTempSubdirectory("agent-state-").FullName;
        try
        {
            var info = new ProcessStartInfo(Repo.Exe("appliance-node"),
            [
                "--Node:LibvirtUri=qemu:///system", $"--Node:StateDirectory={state}", $"--Node:Listen=http://127.0.0.1:{port}", "--Node:Acceleration=tcg",
                "--Node:Network:Mode=linux-bridge", $"--Node:Network:Bridge=aptst{suffix}", $"--Node:Network:LibvirtNetwork={network}",
            ])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using Process agent = Process.Start(info)!;
            Task<string> stdout = Task.Factory.StartNew(agent.StandardOutput.ReadToEnd, TaskCreationOptions.LongRunning);
            Task<string> stderr = Task.Factory.StartNew(agent.StandardError.ReadToEnd, TaskCreationOptions.LongRunning);
            if (!agent.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                agent.Kill();
                Assert.Fail("the agent went on running on a port it could not bind");
            }

            string output = stdout.Result + stderr.Result;
            Assert.Equal(1, agent.ExitCode);
            Assert.Contains($"appliance-node: Failed to bind to address http://127.0.0.1:{port}: address already in use.", output);
            Assert.DoesNotContain("Unhandled exception", output);
        }
        finally
        {
            taken.Stop();
            Tool.Run("virsh", ["-c", "qemu:///system", "net-destroy", network]);
            Tool.Run("virsh", ["-c", "qemu:///system", "net-undefine", network]);
            Directory.Delete(state, recursive: true);
        }
    }
}
