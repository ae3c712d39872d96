using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// The appliance-bmc process with a simulated board, started and killed like a service. The BMC binds a
/// free loopback port itself (--redfish 127.0.0.1:0) and the rig reads which from its log, so no other
/// test can take the port between a choice and its use; each start binds afresh.
/// </summary>
public sealed partial class BmcProcessRig : IDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;
    private Process? _board;

    public BmcProcessRig()
    {
        StateDirectory = Directory.CreateTempSubdirectory("redfish-process-").FullName;
    }

    public string StateDirectory { get; }

    /// <summary>Where the running BMC serves HTTPS.</summary>
    public int Port { get; private set; }

    /// <summary>Options added to the BMC's command line from the next <see cref="StartAsync"/> on.</summary>
    public string[] ExtraArguments { get; set; } = [];

    /// <summary>Runs the BMC on a terminal of its own (a pseudo-terminal from script(1)), as a person in front of it would.</summary>
    public bool OnTerminal { get; set; }
    public string BaseUrl => $"https://127.0.0.1:{Port}";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="boardSocket">A board served by appliance-board-sim on this socket; without it the rig serves one of its own, kept across restarts of the BMC.</param>
    public async Task StartAsync(string? adminPassword = null, string? boardSocket = null)
    {
        boardSocket ??= await OwnBoardAsync();
        var start = new ProcessStartInfo(Repo.Bmc) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] args = ["--board", Repo.Hc1, "--board-socket", boardSocket, "--state-dir", Path.Combine(StateDirectory, "state"), "--run-dir", Path.Combine(StateDirectory, "run"),
            "--redfish", "127.0.0.1:0", "--ipmi", "off", .. ExtraArguments];
        if (adminPassword is not null)
        {
            string file = Path.Combine(StateDirectory, "admin-password");
            await File.WriteAllTextAsync(file, adminPassword);
            args = [.. args, "--admin-password-file", file];
        }

        if (OnTerminal)
        {
            start.FileName = "script";
            args = ["-qfec", string.Join(' ', new[] { Repo.Bmc }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'")), "/dev/null"];
        }

        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        int starts = Serving.Count(Output);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        DateTime end = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        MatchCollection serving;
        while ((serving = Serving.Matches(Output)).Count == starts)
        {
            Assert.False(_process.HasExited, "appliance-bmc exited:\n" + Output);
            Assert.True(DateTime.UtcNow < end, "appliance-bmc did not say where it serves HTTPS:\n" + Output);
            await Task.Delay(50);
        }

        Port = int.Parse(serving[^1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        await WaitUntilServingAsync();
    }

    /// <summary>Waits until HTTPS answers on the port.</summary>
    public async Task WaitUntilServingAsync()
    {
        using HttpClient client = Client();
        DateTime end = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            Assert.False(_process!.HasExited, "appliance-bmc exited:\n" + Output);
            try
            {
                if ((await client.GetAsync("/redfish/v1/")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < end, "appliance-bmc did not serve HTTPS:\n" + Output);
            await Task.Delay(100);
        }
    }

    /// <summary>kill -9: no shutdown code runs.</summary>
    public void Kill()
    {
        _process!.Kill(entireProcessTree: true);
        Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(30)), "appliance-bmc did not die on SIGKILL");
    }

    public HttpClient Client(string? user = null, string? password = null)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        var client = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return client;
    }

    /// <summary>The certificate the server presents in a fresh TLS handshake.</summary>
    public static async Task<X509Certificate2> PresentedCertificateAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("127.0.0.1");
        return new X509Certificate2(tls.RemoteCertificate!);
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(30)); // SIGKILL: nothing more to wait for if it is stuck in the kernel
        }

        _process?.Dispose();
        if (_board is { HasExited: false })
        {
            _board.Kill();
            _board.WaitForExit(TimeSpan.FromSeconds(30)); // SIGKILL: nothing more to wait for if it is stuck in the kernel
        }

        _board?.Dispose();
        Directory.Delete(StateDirectory, recursive: true);
    }

    /// <summary>Starts appliance-board-sim on a socket in the state folder once, and waits for the socket.</summary>
    private async Task<string> OwnBoardAsync()
    {
        string socket = Path.Combine(StateDirectory, "board.sock");
        if (_board is null)
        {
            var start = new ProcessStartInfo(Repo.BoardSim) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string arg in new[] { "serve", "--board", Repo.Hc1, "--socket", socket })
            {
                start.ArgumentList.Add(arg);
            }

            _board = Process.Start(start)!;
            _board.OutputDataReceived += (_, e) => Append(e.Data);
            _board.ErrorDataReceived += (_, e) => Append(e.Data);
            _board.BeginOutputReadLine();
            _board.BeginErrorReadLine();
        }

        DateTime end = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(socket))
        {
            Assert.False(_board.HasExited, "appliance-board-sim exited:\n" + Output);
            Assert.True(DateTime.UtcNow < end, "appliance-board-sim did not open its socket:\n" + Output);
            await Task.Delay(50);
        }

        return socket;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    [GeneratedRegex(@"Redfish and web console on https://127\.0\.0\.1:(\d+)")]
    private static partial Regex Serving { get; }
}
