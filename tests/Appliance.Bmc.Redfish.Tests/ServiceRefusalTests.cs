using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Redfish.Certificates;
using Appliance.Bmc.Redfish.Events;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>EventService subscriptions and CertificateService replacements the BMC refuses, and that the refusals change nothing.</summary>
public sealed class ServiceRefusalTests : PausedRigTests
{
    private const string Subscriptions = "/redfish/v1/EventService/Subscriptions";
    private const string ReplaceCertificate = "/redfish/v1/CertificateService/Actions/CertificateService.ReplaceCertificate";
    [Fact]
    public async Task Subscriptions_that_cannot_be_kept_are_refused_and_change_nothing()
    {
        using HttpClient admin = Rig.Admin();
        (HttpStatusCode created, _, _) = await admin.SendAsync(HttpMethod.Post, Subscriptions,
            """{"Destination": "https://198.51.100.7/events", "Context": "first"}""");
        Assert.Equal(HttpStatusCode.Created, created);
        string before = await MembersAsync(admin);

        (string Body, HttpStatusCode Status, string MessageId)[] refused =
        [
            ("""{"Destination": "ftp://198.51.100.7/events"}""", HttpStatusCode.BadRequest, "Base.PropertyValueFormatError"),
            ("""{"Destination": "mailto:ops@example.com"}""", HttpStatusCode.BadRequest, "Base.PropertyValueFormatError"),
            ("""{"Destination": "198.51.100.7/events"}""", HttpStatusCode.BadRequest, "Base.PropertyValueFormatError"),
            ("""{"Destination": "https://198.51.100.8/events", "RegistryPrefixes": ["NoSuchRegistry"]}""", HttpStatusCode.BadRequest, "Base.PropertyValueNotInList"),
            ("""{"Destination": "https://198.51.100.7/events", "Context": "first"}""", HttpStatusCode.Conflict, "Base.ResourceAlreadyExists"),
        ];
        foreach ((string body, HttpStatusCode status, string messageId) in refused)
        {
            (HttpStatusCode answered, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Post, Subscriptions, body);
            Assert.True(answered == status, $"{body}: {answered}");
            Assert.Contains(messageId, Http.MessageIds(error));
            Assert.Equal(before, await MembersAsync(admin));
        }

        for (int i = 1; i < SubscriptionStore.MaxSubscriptions; i++)
        {
            (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Post, Subscriptions,
                $$"""{"Destination": "https://198.51.100.7/events", "Context": "more-{{i}}"}""");
            Assert.Equal(HttpStatusCode.Created, status);
        }

        string full = await MembersAsync(admin);
        (HttpStatusCode pastLimit, JsonObject? limitError, _) = await admin.SendAsync(HttpMethod.Post, Subscriptions,
            """{"Destination": "https://198.51.100.9/events", "Context": "one-too-many"}""");

        Assert.Equal(HttpStatusCode.Conflict, pastLimit);
        Assert.Equal(["Base.EventSubscriptionLimitExceeded"], Http.MessageIds(limitError));
        Assert.Equal(full, await MembersAsync(admin));
        Assert.Equal(SubscriptionStore.MaxSubscriptions, Rig.Service.Services.Subscriptions.All().Count);
    }

    [Fact]
    public async Task Certificate_replacements_that_do_not_fit_are_refused_and_the_running_certificate_stays()
    {
        using HttpClient admin = Rig.Admin();
        using HttpClient operatorClient = Rig.ClientAs(AccountRole.Operator, "certop");
        string running = (await BmcProcessRig.PresentedCertificateAsync(Rig.Port)).Thumbprint;
        (string certificate, string key) = HttpsCertificate.CreateSelfSigned(["replacement.example"], [IPAddress.Loopback]);
        (_, string otherKey) = HttpsCertificate.CreateSelfSigned(["other.example"], [IPAddress.Loopback]);

        (HttpClient Client, JsonObject Body, HttpStatusCode Status, string MessageId)[] refused =
        [
            (admin, Replacement(certificate + "\n" + otherKey, CertificateService.HttpsCertificateUri), HttpStatusCode.BadRequest, "Base.ActionParameterValueFormatError"),
            (admin, Replacement(certificate + "\n" + key, "/redfish/v1/AccountService/LDAP/Certificates/1"), HttpStatusCode.BadRequest, "Base.ActionParameterValueNotInList"),
            (operatorClient, Replacement(certificate + "\n" + key, CertificateService.HttpsCertificateUri), HttpStatusCode.Forbidden, "Base.InsufficientPrivilege"),
        ];
        foreach ((HttpClient client, JsonObject body, HttpStatusCode status, string messageId) in refused)
        {
            (HttpStatusCode answered, JsonObject? error, _) = await client.SendAsync(HttpMethod.Post, ReplaceCertificate, body.ToJsonString());
            Assert.True(answered == status, $"{messageId}: {answered} {error?.ToJsonString()}");
            Assert.Contains(messageId, Http.MessageIds(error));
            Assert.Equal(running, (await BmcProcessRig.PresentedCertificateAsync(Rig.Port)).Thumbprint);
        }

        // The same certificate with its own key is taken: the refusals were about the request, not the certificate.
        (HttpStatusCode accepted, _, _) = await admin.SendAsync(HttpMethod.Post, ReplaceCertificate,
            Replacement(certificate + "\n" + key, CertificateService.HttpsCertificateUri).ToJsonString());
        Assert.Equal(HttpStatusCode.OK, accepted);
        Assert.Equal(X509Certificate2.CreateFromPem(certificate).Thumbprint, (await BmcProcessRig.PresentedCertificateAsync(Rig.Port)).Thumbprint);
    }

    private static JsonObject Replacement(string pem, string certificateUri) => new()
    {
        ["CertificateString"] = pem,
        ["CertificateType"] = "PEM",
        ["CertificateUri"] = new JsonObject { ["@odata.id"] = certificateUri },
    };

    private static async Task<string> MembersAsync(HttpClient admin) =>
        (await admin.GetJsonAsync(Subscriptions + "?$expand=."))["Members"]!.ToJsonString();
}
