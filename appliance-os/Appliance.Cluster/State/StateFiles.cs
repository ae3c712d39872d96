using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Appliance.Cluster.Configuration;
using Appliance.Cluster.Security;

namespace Appliance.Cluster.State;

/// <summary>
/// The service's state directory, the node's disk as far as the cluster is concerned:
/// <code>
/// control.sock        the local control socket (appliance cluster init / join), owner only
/// ca.crt              the cluster CA's certificate
/// node.crt node.key   this node's certificate and key (the key never leaves the node)
/// cluster.key         the cluster's encryption key (base64)
/// membership.json     cluster name, node name, etcd and API endpoints: how to rejoin at boot
/// admin.json          the administrator's credential file, on the node that initialised the cluster
/// etcd/               the etcd member's data, while this node holds a seat
/// etcd.json etcd.pid etcd.log   that member: its seat, its process, its log
/// </code>
/// Secrets are written owner-only, every file atomically (a power cut leaves the old or the new one).
/// </summary>
public sealed class StateFiles(ClusterOptions options)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string Directory => options.StateDirectory;
    public string CaCertificate => Path.Combine(Directory, "ca.crt");
    public string NodeCertificate => Path.Combine(Directory, "node.crt");
    public string NodeKey => Path.Combine(Directory, "node.key");
    public string ClusterKeyFile => Path.Combine(Directory, "cluster.key");
    public string MembershipFile => Path.Combine(Directory, "membership.json");
    public string AdminCredentials => Path.Combine(Directory, "admin.json");
    public string EtcdData => Path.Combine(Directory, "etcd");
    public string EtcdSeatFile => Path.Combine(Directory, "etcd.json");
    public string EtcdPid => Path.Combine(Directory, "etcd.pid");
    public string EtcdLog => Path.Combine(Directory, "etcd.log");

    public void EnsureCreated()
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>True once the node has its certificate: it is a member and rejoins at boot without a token.</summary>
    public bool IsMember => File.Exists(MembershipFile) && File.Exists(NodeCertificate) && File.Exists(NodeKey);

    /// <summary>Reads what the node needs to take part; null when it has not joined.</summary>
    public NodeIdentity? LoadIdentity()
    {
        if (!IsMember) return null;
        var membership = JsonSerializer.Deserialize(File.ReadAllText(MembershipFile), StateJsonContext.Default.Membership)
            ?? throw new InvalidOperationException($"{MembershipFile} is empty");
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(CaCertificate));
        var certificate = X509Certificate2.CreateFromPemFile(NodeCertificate, NodeKey);
        var key = new ClusterKey(Convert.FromBase64String(File.ReadAllText(ClusterKeyFile).Trim()));
        return new NodeIdentity(membership, ca, certificate, key);
    }

    /// <summary>Writes a new membership: the node's certificate, key, the CA and the cluster key, then the membership file last
    /// (its presence is what says "joined").</summary>
    public void SaveIdentity(NodeIdentity identity, ECDsa nodeKey)
    {
        EnsureCreated();
        Write(CaCertificate, identity.Ca.ExportCertificatePem(), secret: false);
        Write(NodeCertificate, identity.Certificate.ExportCertificatePem(), secret: false);
        Write(NodeKey, nodeKey.ExportPkcs8PrivateKeyPem(), secret: true);
        Write(ClusterKeyFile, Convert.ToBase64String(identity.ClusterKey.Export()), secret: true);
        SaveMembership(identity.Membership);
    }

    public void SaveMembership(Membership membership) =>
        Write(MembershipFile, JsonSerializer.Serialize(membership, StateJsonContext.Default.Membership), secret: false);

    /// <summary>Forgets the membership (a refused rejoin, or leaving): certificate, keys and etcd data go.</summary>
    public void Forget()
    {
        foreach (string file in new[] { MembershipFile, NodeCertificate, NodeKey, ClusterKeyFile, CaCertificate, EtcdSeatFile, AdminCredentials })
            File.Delete(file);
        if (System.IO.Directory.Exists(EtcdData)) System.IO.Directory.Delete(EtcdData, recursive: true);
    }

    public static void Write(string path, string text, bool secret)
    {
        string temporary = path + ".new";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (secret) fileOptions.UnixCreateMode = OwnerOnly;
        using (var stream = new FileStream(temporary, fileOptions))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }
        if (secret) File.SetUnixFileMode(temporary, OwnerOnly);
        File.Move(temporary, path, overwrite: true);
    }
}
