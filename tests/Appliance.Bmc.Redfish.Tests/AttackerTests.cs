using System.Net;
using System.Net.Sockets;
using Appliance.Bmc.Sel;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// Password guessing from many addresses (127.0.0.x) against Redfish: it locks the account against
/// the guessers, never against the administrator's own address.
/// </summary>
public sealed class AttackerTests : PausedRigTests
{
    [Fact]
    public async Task Wrong_passwords_for_the_administrator_from_many_addresses_never_keep_it_out_of_its_own()
    {
        using HttpClient admin = Rig.Admin();
        var administrator = new List<HttpStatusCode> { await StatusAsync(admin) };

        var guesses = new List<HttpStatusCode>();
        for (int i = 0; i < 20; i++)
        {
            using HttpClient guesser = From(IPAddress.Parse($"127.0.0.{10 + i}"));
            guesses.Add(await LoginAsync(guesser, "Guess-pass-" + i));
            Rig.Run(TimeSpan.FromSeconds(1));
            administrator.Add(await StatusAsync(admin));
        }

        Assert.All(guesses, g => Assert.Equal(HttpStatusCode.Unauthorized, g));
        Assert.All(administrator, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(Rig.Host.Accounts.IsLockedOut(RedfishRig.AdminUser));
        Assert.Single(Rig.Host.Sel.Entries(), e => e.Record.SensorType == BuiltInSensors.SessionAuditType);

        // A guesser with the right password is refused like a wrong one; a stranger gets in after a short wait.
        using (HttpClient guesser = From(IPAddress.Parse("127.0.0.10")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(guesser, RedfishRig.AdminPassword));
        }

        Rig.Run(TimeSpan.FromSeconds(31));
        using HttpClient stranger = From(IPAddress.Parse("127.0.0.200"));
        Assert.Equal(HttpStatusCode.Created, await LoginAsync(stranger, RedfishRig.AdminPassword));
    }

    [Fact]
    public async Task With_lockout_off_one_address_guessing_waits_longer_after_each_failure_and_others_do_not_wait()
    {
        Rig.Host.Accounts.Policy = new Appliance.Bmc.Accounts.AccountPolicy { AccountLockoutThreshold = 0 };
        Rig.Host.Accounts.Create("carol", "Carol-pass1", Appliance.Bmc.Accounts.AccountRole.Operator);
        using HttpClient guesser = From(IPAddress.Parse("127.0.0.77"));
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 6; i++)
        {
            statuses.Add(await LoginAsync(guesser, "Guess-pass-" + i, "carol"));
        }

        (HttpStatusCode waited, _, HttpResponseMessage response) = await guesser.SendAsync(HttpMethod.Post, "/redfish/v1/SessionService/Sessions",
            """{"UserName": "carol", "Password": "Carol-pass1"}""");
        using HttpClient other = Rig.Client();
        HttpStatusCode fromElsewhere = await LoginAsync(other, "Carol-pass1", "carol");

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5).Append(HttpStatusCode.TooManyRequests), statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, waited); // not even the right password is checked while it waits
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.Created, fromElsewhere);

        Rig.Run(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(guesser, "Guess-pass-6", "carol"));
        (waited, _, response) = await guesser.SendAsync(HttpMethod.Post, "/redfish/v1/SessionService/Sessions",
            """{"UserName": "carol", "Password": "Carol-pass1"}""");
        Assert.Equal(HttpStatusCode.TooManyRequests, waited);
        Assert.Equal("2", response.Headers.GetValues("Retry-After").Single()); // twice as long after one more failure
        Rig.Run(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Created, await LoginAsync(guesser, "Carol-pass1", "carol"));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client) =>
        (await client.SendAsync(HttpMethod.Get, "/redfish/v1/Systems/system")).Status;

    private static async Task<HttpStatusCode> LoginAsync(HttpClient client, string password, string user = RedfishRig.AdminUser) =>
        (await client.LoginAsync(user, password)).Status;

    /// <summary>A client whose connections come from <paramref name="source"/>, as from another machine.</summary>
    private HttpClient From(IPAddress source)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri(Rig.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }
}
