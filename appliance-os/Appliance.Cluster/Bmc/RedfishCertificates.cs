using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Cluster.Bmc;

/// <summary>
/// Trust on first use for BMCs' self-signed Redfish certificates: the first certificate a BMC's
/// address shows is kept (by its SHA-256) for as long as this service runs, and a different one is
/// refused, so the account's password is not handed to whatever takes the address over meanwhile.
/// </summary>
public sealed class RedfishCertificates
{
    private readonly ConcurrentDictionary<string, string> _seen = new(StringComparer.OrdinalIgnoreCase);

    public bool Accept(Uri bmc, X509Certificate certificate)
    {
        string hash = Convert.ToHexString(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));
        return _seen.GetOrAdd(bmc.Authority, hash) == hash;
    }
}
