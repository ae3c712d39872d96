using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Certificates;

/// <summary>
/// /redfish/v1/CertificateService and the HTTPS certificate at
/// /redfish/v1/Managers/bmc/NetworkProtocol/HTTPS/Certificates/1, with
/// CertificateService.ReplaceCertificate, which takes effect for the next TLS handshake.
/// </summary>
public static class CertificateService
{
    public const string Uri = "/redfish/v1/CertificateService";
    public const string HttpsCertificatesUri = RedfishServices.ManagerUri + "/NetworkProtocol/HTTPS/Certificates";
    public const string HttpsCertificateUri = HttpsCertificatesUri + "/1";
    public const string ReplaceAction = "CertificateService.ReplaceCertificate";

    public static void Map(RedfishServices services)
    {
        RedfishRouter router = services.Router;
        router.Resource("/redfish/v1/CertificateService", "CertificateService").OnGet(Get);
        router.Resource("/redfish/v1/CertificateService/CertificateLocations", "CertificateLocations").OnGet(_ => new JsonObject
        {
            ["@odata.id"] = Uri + "/CertificateLocations",
            ["@odata.type"] = "#CertificateLocations.v1_0_3.CertificateLocations",
            ["Id"] = "CertificateLocations",
            ["Name"] = "Certificate Locations",
            ["Links"] = new JsonObject { ["Certificates"] = RedfishJson.Links([HttpsCertificateUri]) },
        });
        router.Resource("/redfish/v1/CertificateService/Actions/CertificateService.ReplaceCertificate", "CertificateService")
            .OnPost(Privilege.ConfigureManager, ReplaceAsync);
        router.Resource("/redfish/v1/CertificateService/Actions/CertificateService.GenerateCSR", "CertificateService")
            .OnPost(Privilege.ConfigureManager, GenerateCsrAsync);
        router.Resource("/redfish/v1/Managers/{ManagerId}/NetworkProtocol/HTTPS/Certificates", "CertificateCollection")
            .OnGet(request => Managers.Manager.Exists(request)
                ? RedfishJson.Collection(HttpsCertificatesUri, "CertificateCollection", "HTTPS Certificates", [HttpsCertificateUri])
                : null);
        router.Resource("/redfish/v1/Managers/{ManagerId}/NetworkProtocol/HTTPS/Certificates/{CertificateId}", "Certificate")
            .OnGet(GetCertificate);
    }

    private static JsonObject Get(RedfishRequest request) => new()
    {
        ["@odata.id"] = Uri,
        ["@odata.type"] = "#CertificateService.v1_0_4.CertificateService",
        ["Id"] = "CertificateService",
        ["Name"] = "Certificate Service",
        ["CertificateLocations"] = RedfishJson.Link(Uri + "/CertificateLocations"),
        ["Actions"] = new JsonObject
        {
            ["#CertificateService.ReplaceCertificate"] = new JsonObject
            {
                ["target"] = Uri + "/Actions/CertificateService.ReplaceCertificate",
                ["CertificateType@Redfish.AllowableValues"] = RedfishJson.Strings(["PEM"]),
            },
            ["#CertificateService.GenerateCSR"] = new JsonObject
            {
                ["target"] = Uri + "/Actions/CertificateService.GenerateCSR",
                ["KeyPairAlgorithm@Redfish.AllowableValues"] = RedfishJson.Strings(KeyPairAlgorithms),
                ["KeyCurveId@Redfish.AllowableValues"] = RedfishJson.Strings(KeyCurves),
            },
        },
    };

    private static JsonObject? GetCertificate(RedfishRequest request)
    {
        if (!Managers.Manager.Exists(request) || request["CertificateId"] != "1")
        {
            return null;
        }

        X509Certificate2 certificate = request.Services.Certificate.Current;
        return new JsonObject
        {
            ["@odata.id"] = HttpsCertificateUri,
            ["@odata.type"] = "#Certificate.v1_7_0.Certificate",
            ["Id"] = "1",
            ["Name"] = "HTTPS certificate",
            ["CertificateType"] = "PEM",
            ["CertificateString"] = certificate.ExportCertificatePem(),
            ["Subject"] = new JsonObject { ["CommonName"] = certificate.GetNameInfo(X509NameType.SimpleName, false) },
            ["Issuer"] = new JsonObject { ["CommonName"] = certificate.GetNameInfo(X509NameType.SimpleName, true) },
            ["ValidNotBefore"] = certificate.NotBefore.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss+00:00", System.Globalization.CultureInfo.InvariantCulture),
            ["ValidNotAfter"] = certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss+00:00", System.Globalization.CultureInfo.InvariantCulture),
            ["SerialNumber"] = HexPairs(certificate.SerialNumberBytes.Span, bigEndian: true),
            ["Fingerprint"] = HexPairs(certificate.GetCertHash(HashAlgorithmName.SHA256), bigEndian: true),
            ["FingerprintHashAlgorithm"] = "TPM_ALG_SHA256",
            ["KeyUsage"] = RedfishJson.Strings(["DigitalSignature", "KeyAgreement", "ServerAuthentication"]),
        };
    }

    public const string GenerateCsrAction = "CertificateService.GenerateCSR";
    public static readonly string[] KeyPairAlgorithms = ["TPM_ALG_ECDSA", "TPM_ALG_RSA"];
    public static readonly string[] KeyCurves = ["TPM_ECC_NIST_P256", "TPM_ECC_NIST_P384"];

    /// <summary>
    /// CertificateService.GenerateCSR for the HTTPS certificate: a new key pair (ECDSA P-256 unless
    /// asked otherwise; RSA 2048..4096) and a PKCS#10 request for the subject given. The signed
    /// certificate comes back through ReplaceCertificate, as PEM without a key.
    /// </summary>
    private static Task<RedfishResult> GenerateCsrAsync(RedfishRequest request)
    {
        var body = new BodyReader(request.Body, action: GenerateCsrAction);
        body.Require("CertificateCollection");
        body.Require("CommonName");
        string? collection = body.Link("CertificateCollection");
        string? commonName = body.String("CommonName");
        string? country = body.String("Country");
        string? state = body.String("State");
        string? city = body.String("City");
        string? organization = body.String("Organization");
        string? unit = body.String("OrganizationalUnit");
        IReadOnlyList<string>? alternativeNames = body.StringArray("AlternativeNames");
        string algorithm = body.Enum("KeyPairAlgorithm", KeyPairAlgorithms) ?? "TPM_ALG_ECDSA";
        string? curve = body.Enum("KeyCurveId", KeyCurves);
        long? bits = body.Integer("KeyBitLength", 2048, 4096);
        if (collection is not null && collection.TrimEnd('/') != HttpsCertificatesUri)
        {
            body.Fail(BaseMessages.ActionParameterValueNotInList(collection, "CertificateCollection", GenerateCsrAction));
        }

        if (country is not null && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
        {
            body.Fail(BaseMessages.ActionParameterValueFormatError(country, "Country", GenerateCsrAction));
        }

        if (commonName is not null && commonName.Trim().Length == 0)
        {
            body.Fail(BaseMessages.ActionParameterValueFormatError(commonName, "CommonName", GenerateCsrAction));
        }

        body.Finish();

        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName!);
        if (organization is not null)
        {
            subject.AddOrganizationName(organization);
        }

        if (unit is not null)
        {
            subject.AddOrganizationalUnitName(unit);
        }

        if (city is not null)
        {
            subject.AddLocalityName(city);
        }

        if (state is not null)
        {
            subject.AddStateOrProvinceName(state);
        }

        if (country is not null)
        {
            subject.AddCountryOrRegion(country);
        }

        using AsymmetricAlgorithm key = algorithm == "TPM_ALG_RSA"
            ? RSA.Create((int)(bits ?? 2048))
            : ECDsa.Create(curve == "TPM_ECC_NIST_P384" ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP256);
        string csr = request.Services.Certificate.CreateSigningRequest(subject.Build(), alternativeNames ?? [], key);
        return Task.FromResult(RedfishResult.Ok(new JsonObject
        {
            ["CSRString"] = csr,
            ["CertificateCollection"] = RedfishJson.Link(HttpsCertificatesUri),
        }));
    }

    /// <summary>The schema's form for serial numbers and fingerprints: colon-separated hex pairs, most significant first ("0A:1B:...").</summary>
    /// <param name="bigEndian">False for bytes that come least significant first (X509Certificate.GetSerialNumber's).</param>
    public static string HexPairs(ReadOnlySpan<byte> bytes, bool bigEndian)
    {
        byte[] ordered = bytes.ToArray();
        if (!bigEndian)
        {
            Array.Reverse(ordered);
        }

        return string.Join(':', ordered.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static Task<RedfishResult> ReplaceAsync(RedfishRequest request)
    {
        var body = new BodyReader(request.Body, action: ReplaceAction);
        body.Require("CertificateString");
        body.Require("CertificateType");
        body.Require("CertificateUri");
        string? pem = body.String("CertificateString");
        _ = body.Enum("CertificateType", ["PEM"]);
        string? target = body.Link("CertificateUri");
        if (target is not null && target.TrimEnd('/') != HttpsCertificateUri)
        {
            body.Fail(BaseMessages.ActionParameterValueNotInList(target, "CertificateUri", ReplaceAction));
        }

        body.Finish();
        try
        {
            // The PEM carries the certificate and its private key, as bmcweb expects for the HTTPS
            // certificate, or only a certificate issued for the last GenerateCSR's key.
            if (pem!.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            {
                request.Services.Certificate.Replace(pem, pem);
            }
            else
            {
                request.Services.Certificate.ReplaceWithPendingKey(pem);
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest,
                BaseMessages.ActionParameterValueFormatError("(PEM)", "CertificateString", ReplaceAction),
                BaseMessages.GeneralError("CertificateString must hold the certificate and its unencrypted private key in PEM: " + e.Message));
        }

        return Task.FromResult(RedfishResult.Ok(GetCertificate(new RedfishRequest(request.Http, request.Services,
            new Dictionary<string, string> { ["ManagerId"] = RedfishServices.ManagerId, ["CertificateId"] = "1" }, request.Principal))!));
    }
}
