using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Certificates;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>The HTTPS certificate: self-signed for the BMC's names, replaced through Redfish without a restart.</summary>
public sealed class CertificateTests : IAsyncLifetime
{
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task The_generated_certificate_names_the_bmc_and_a_replaced_one_is_served_at_once()
    {
        X509Certificate2 generated = await BmcProcessRig.PresentedCertificateAsync(_rig.Port);
        string names = generated.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().Format(false);
        Assert.Contains("127.0.0.1", names);
        Assert.Contains(_rig.Host.Network.Current.HostName, names);

        (string certificatePem, string keyPem) = HttpsCertificate.CreateSelfSigned(["replacement.example"], [IPAddress.Loopback]);
        using HttpClient admin = _rig.Admin();
        var body = new JsonObject
        {
            ["CertificateString"] = certificatePem + "\n" + keyPem,
            ["CertificateType"] = "PEM",
            ["CertificateUri"] = new JsonObject { ["@odata.id"] = "/redfish/v1/Managers/bmc/NetworkProtocol/HTTPS/Certificates/1" },
        };
        (HttpStatusCode status, JsonObject? result, _) = await admin.SendAsync(HttpMethod.Post,
            "/redfish/v1/CertificateService/Actions/CertificateService.ReplaceCertificate", body.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, result?.ToJsonString());

        X509Certificate2 presented = await BmcProcessRig.PresentedCertificateAsync(_rig.Port);
        Assert.Equal(X509Certificate2.CreateFromPem(certificatePem).Thumbprint, presented.Thumbprint);
        // Colon-separated hex pairs, as the Certificate schema defines them.
        Assert.Equal(string.Join(':', presented.GetCertHashString(HashAlgorithmName.SHA256).Chunk(2).Select(p => new string(p))),
            result!["Fingerprint"]!.GetValue<string>());
        Assert.Equal(string.Join(':', presented.SerialNumber.Chunk(2).Select(p => new string(p))), result["SerialNumber"]!.GetValue<string>());

        (status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/CertificateService/Actions/CertificateService.ReplaceCertificate",
            """{"CertificateString": "not a certificate", "CertificateType": "PEM", "CertificateUri": {"@odata.id": "/redfish/v1/Managers/bmc/NetworkProtocol/HTTPS/Certificates/1"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Base.ActionParameterValueFormatError", Http.MessageIds(error));
        Assert.Equal(presented.Thumbprint, (await BmcProcessRig.PresentedCertificateAsync(_rig.Port)).Thumbprint);
    }

    [Fact]
    public async Task A_csr_generated_by_the_bmc_and_signed_elsewhere_is_installed_without_its_key_leaving_the_bmc()
    {
        string collection = "/redfish/v1/Managers/bmc/NetworkProtocol/HTTPS/Certificates";
        Tool.Result generate = await Tool.RunAsync("curl", ["-sk", "-u", $"{RedfishRig.AdminUser}:{RedfishRig.AdminPassword}", "-H", "Content-Type: application/json",
            "-d", $$"""{"CertificateCollection": {"@odata.id": "{{collection}}"}, "CommonName": "node7-bmc.example", "Organization": "Example", "Country": "DE", "AlternativeNames": ["node7-bmc.example", "10.77.0.7"]}""",
            _rig.BaseUrl + "/redfish/v1/CertificateService/Actions/CertificateService.GenerateCSR"]);
        Assert.True(generate.ExitCode == 0, generate.ToString());
        JsonObject answer = JsonNode.Parse(generate.Stdout)!.AsObject();
        Assert.Equal(collection, answer["CertificateCollection"]!["@odata.id"]!.GetValue<string>());
        CertificateRequest csr = CertificateRequest.LoadSigningRequestPem(answer["CSRString"]!.GetValue<string>(), HashAlgorithmName.SHA256,
            CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        Assert.Equal("CN=node7-bmc.example, O=Example, C=DE", csr.SubjectName.Name);

        // A CA signs it; only the certificate goes back.
        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 ca = new CertificateRequest("CN=Test CA", caKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        using X509Certificate2 issued = csr.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), [1, 2, 3, 4]);
        using HttpClient admin = _rig.Admin();
        var replace = new JsonObject
        {
            ["CertificateString"] = issued.ExportCertificatePem(),
            ["CertificateType"] = "PEM",
            ["CertificateUri"] = new JsonObject { ["@odata.id"] = collection + "/1" },
        };
        (HttpStatusCode status, JsonObject? result, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/CertificateService/Actions/CertificateService.ReplaceCertificate", replace.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, result?.ToJsonString());
        Assert.Equal("01:02:03:04", result!["SerialNumber"]!.GetValue<string>());
        Assert.Equal(issued.Thumbprint, (await BmcProcessRig.PresentedCertificateAsync(_rig.Port)).Thumbprint);

        // The key was used up: a second certificate-only PEM has no key to go with.
        (status, _, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/CertificateService/Actions/CertificateService.ReplaceCertificate", replace.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(issued.Thumbprint, (await BmcProcessRig.PresentedCertificateAsync(_rig.Port)).Thumbprint);
    }
}

/// <summary>
/// The appliance-bmc process presents a replaced certificate from the next new connection on,
/// without a restart, as curl sees it: replaced through Redfish at once, put in place by hand
/// within seconds.
/// </summary>
public sealed class CertificateReplacementTests : IDisposable
{
    private const string AdminPassword = "Rack-admin-1";
    private readonly BmcProcessRig _bmc = new();

    public void Dispose() => _bmc.Dispose();

    [Fact]
    public async Task A_certificate_replaced_through_redfish_is_presented_on_the_next_connection()
    {
        await _bmc.StartAsync(adminPassword: AdminPassword);
        Assert.DoesNotContain("replaced.example", await PresentedSubjectAsync(), StringComparison.Ordinal);

        (string certificatePem, string keyPem) = HttpsCertificate.CreateSelfSigned(["replaced.example"], [IPAddress.Loopback]);
        var body = new JsonObject
        {
            ["CertificateString"] = certificatePem + "\n" + keyPem,
            ["CertificateType"] = "PEM",
            ["CertificateUri"] = new JsonObject { ["@odata.id"] = "/redfish/v1/Managers/bmc/NetworkProtocol/HTTPS/Certificates/1" },
        };
        var curl = new Curl(_bmc.BaseUrl);
        Assert.Equal(200, await curl.StatusAsync("POST", "/redfish/v1/CertificateService/Actions/CertificateService.ReplaceCertificate",
            body.ToJsonString(), basic: ("admin", AdminPassword)));

        Assert.Contains("CN = replaced.example", await PresentedSubjectAsync(), StringComparison.Ordinal);
        Assert.Equal(200, await curl.StatusAsync("GET", "/redfish/v1/Systems/system", basic: ("admin", AdminPassword)));
    }

    [Fact]
    public async Task A_certificate_file_replaced_by_hand_is_presented_on_a_new_connection_within_seconds()
    {
        await _bmc.StartAsync(adminPassword: AdminPassword);
        Assert.DoesNotContain("by-hand.example", await PresentedSubjectAsync(), StringComparison.Ordinal);

        (string certificatePem, string keyPem) = HttpsCertificate.CreateSelfSigned(["by-hand.example"], [IPAddress.Loopback]);
        string file = Path.Combine(_bmc.StateDirectory, "state", "https", "server.pem");
        await File.WriteAllTextAsync(file + ".new", certificatePem + "\n" + keyPem + "\n");
        File.Move(file + ".new", file, overwrite: true);

        DateTime end = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string subject;
        while (!(subject = await PresentedSubjectAsync()).Contains("CN = by-hand.example", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < end, "still presenting " + subject);
            await Task.Delay(200);
        }
    }

    /// <summary>The subject of the certificate the server presents to a new curl connection.</summary>
    private async Task<string> PresentedSubjectAsync()
    {
        Tool.Result result = await Tool.RunAsync("curl", ["-sk", "--http1.1", "-o", "/dev/null", "-w", "%{certs}", _bmc.BaseUrl + "/redfish/v1/"]);
        string? subject = result.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("Subject:", StringComparison.Ordinal));
        Assert.True(subject is not null, result.ToString());
        return subject;
    }
}
