using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Redfish.Certificates;

/// <summary>
/// The HTTPS server certificate and its key, kept together in the state folder as
/// https/server.pem so that one atomic rename replaces both. A self-signed one for the BMC's
/// names and addresses is made on first start. Every TLS handshake asks for
/// <see cref="ServerOptions"/>, which notices a replaced file (by Redfish ReplaceCertificate at
/// once, by hand within a second), so a new certificate needs no restart.
/// </summary>
/// <remarks>
/// The TLS options, and the certificate context in them, are made once per certificate: a
/// context made per handshake builds the certificate chain against the system trust store every
/// time, which costs more than the handshake itself, and a context kept lets TLS sessions resume.
/// </remarks>
public sealed class HttpsCertificate
{
    private static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(1);
    private readonly string _path;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private volatile Served _served;
    private DateTime _loadedStamp;
    private long _nextCheckTicks;

    public HttpsCertificate(string stateDirectory, IReadOnlyList<string> hostNames, IEnumerable<IPAddress> addresses, ILogger log)
    {
        _log = log;
        string folder = Path.Combine(stateDirectory, "https");
        Directory.CreateDirectory(folder);
        _path = Path.Combine(folder, "server.pem");
        if (!File.Exists(_path))
        {
            (string certPem, string keyPem) = CreateSelfSigned(hostNames, addresses);
            Store(certPem, keyPem);
            _log.LogInformation("generated a self-signed HTTPS certificate for {HostNames}", string.Join(", ", hostNames));
        }

        _served = Serve(Load(_path));
        _loadedStamp = Stamp();
    }

    /// <summary>The certificate to present now.</summary>
    public X509Certificate2 Current => Check().Certificate;

    /// <summary>The TLS options for a handshake now: this certificate, TLS 1.2 and 1.3, HTTP/2 and HTTP/1.1.</summary>
    public SslServerAuthenticationOptions ServerOptions => Check().Options;

    /// <summary>The certificate as PEM (what Redfish shows as CertificateString).</summary>
    public string CertificatePem => Current.ExportCertificatePem();

    public string FilePath => _path;

    /// <summary>
    /// Installs a new certificate and key (PEM). Checked first: a pair that does not load or does
    /// not match throws <see cref="ArgumentException"/> and nothing changes.
    /// </summary>
    public void Replace(string certificatePem, string privateKeyPem)
    {
        using X509Certificate2 candidate = X509Certificate2.CreateFromPem(certificatePem, privateKeyPem);
        if (!candidate.HasPrivateKey)
        {
            throw new ArgumentException("the private key does not belong to the certificate");
        }

        Served served;
        lock (_lock)
        {
            Store(certificatePem, privateKeyPem);
            _served = served = Serve(Load(_path));
            _loadedStamp = Stamp();
        }

        _log.LogInformation("HTTPS certificate replaced: {Subject}, valid until {NotAfter:O}", served.Certificate.Subject, served.Certificate.NotAfter);
    }

    /// <summary>
    /// Makes a new key pair and a certificate signing request for it (Redfish GenerateCSR). The key
    /// stays in the state folder (https/csr-key.pem) until a certificate for it is installed with
    /// <see cref="ReplaceWithPendingKey"/>; a newer request replaces it.
    /// </summary>
    public string CreateSigningRequest(X500DistinguishedName subject, IReadOnlyList<string> alternativeNames, AsymmetricAlgorithm key)
    {
        CertificateRequest request = key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
            _ => throw new ArgumentException("the key is RSA or ECDSA", nameof(key)),
        };
        if (alternativeNames.Count > 0)
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (string name in alternativeNames)
            {
                if (IPAddress.TryParse(name, out IPAddress? address))
                {
                    names.AddIpAddress(address);
                }
                else
                {
                    names.AddDnsName(name);
                }
            }

            request.CertificateExtensions.Add(names.Build());
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        string csr = request.CreateSigningRequestPem();
        DurableFile.Write(PendingKeyPath, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return csr;
    }

    /// <summary>Installs a certificate issued for the last signing request's key; the key is then no longer pending.</summary>
    public void ReplaceWithPendingKey(string certificatePem)
    {
        if (!File.Exists(PendingKeyPath))
        {
            throw new ArgumentException("the PEM holds no private key and no signing request is pending");
        }

        Replace(certificatePem, File.ReadAllText(PendingKeyPath));
        File.Delete(PendingKeyPath);
    }

    private string PendingKeyPath => Path.Combine(Path.GetDirectoryName(_path)!, "csr-key.pem");

    public static (string CertificatePem, string KeyPem) CreateSelfSigned(IReadOnlyList<string> hostNames, IEnumerable<IPAddress> addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostNames[0]}, O=Appliance BMC", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (string name in hostNames.Append("localhost").Distinct())
        {
            names.AddDnsName(name);
        }

        foreach (IPAddress address in addresses.Append(IPAddress.Loopback).Distinct())
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private void Store(string certificatePem, string keyPem) =>
        DurableFile.Write(_path, System.Text.Encoding.ASCII.GetBytes(certificatePem.TrimEnd() + "\n" + keyPem.TrimEnd() + "\n"),
            UnixFileMode.UserRead | UnixFileMode.UserWrite);

    private static X509Certificate2 Load(string path)
    {
        using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(path);

        // SslStream wants a certificate whose key is not ephemeral on every platform; a PKCS#12 round trip gives that.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private DateTime Stamp() => File.GetLastWriteTimeUtc(_path);

    private static Served Serve(X509Certificate2 certificate)
    {
        // Offline: a BMC need not reach the internet to fetch intermediate certificates.
        var context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        return new Served(certificate, new SslServerAuthenticationOptions
        {
            ServerCertificateContext = context,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],

            // HTTP/2 forbids renegotiation (RFC 9113 section 9.2.1).
            AllowRenegotiation = false,
        });
    }

    /// <summary>The certificate being served, first taking up a file replaced by hand (looked at once a second at most).</summary>
    private Served Check()
    {
        long now = Environment.TickCount64;
        if (now < Interlocked.Read(ref _nextCheckTicks))
        {
            return _served;
        }

        lock (_lock)
        {
            Interlocked.Exchange(ref _nextCheckTicks, now + (long)RecheckEvery.TotalMilliseconds);
            DateTime stamp = Stamp();
            if (stamp != _loadedStamp)
            {
                try
                {
                    _served = Serve(Load(_path));
                    _log.LogInformation("HTTPS certificate replaced: {Subject}, valid until {NotAfter:O}", _served.Certificate.Subject, _served.Certificate.NotAfter);
                }
                catch (Exception e) when (e is CryptographicException or IOException or ArgumentException)
                {
                    _log.LogError("the HTTPS certificate files changed but cannot be used ({Error}); still serving the previous certificate", e.Message);
                }

                _loadedStamp = stamp;
            }

            return _served;
        }
    }

    /// <summary>A certificate and the TLS options made for it, shared by every handshake that presents it.</summary>
    private sealed record Served(X509Certificate2 Certificate, SslServerAuthenticationOptions Options);
}
