using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Appliance.Cluster.Api;
using Appliance.Cluster.Configuration;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Security;
using Appliance.Cluster.State;
using Appliance.Cluster.Store;
using Appliance.Node.Api;
using Appliance.Node.Configuration;

namespace Appliance.Cluster.Membership;

/// <summary>
/// <c>appliance cluster init NAME</c>: this node creates the cluster — its CA, its encryption key,
/// the first etcd member, the cluster and node records — and the administrator's credentials.
/// A failure part-way leaves the node as it was (no files, no etcd).
/// </summary>
public sealed class ClusterInitializer(ClusterOptions options, StateFiles files, EtcdMember etcd, NodeLifecycle lifecycle, ILogger<ClusterInitializer> logger)
{
    public const string AdminName = "admin";

    public async Task<AdminCredentials> InitAsync(string? name, CancellationToken ct)
    {
        if (!Names.IsValid(name))
            throw ApiException.BadRequest("name", name is null ? "a cluster name is required" : $"cluster name '{name}' is invalid: {Names.Rule}");
        await lifecycle.JoinLock.WaitAsync(ct);
        try
        {
            if (files.LoadIdentity() is { } identity)
                throw ApiException.Conflict($"this node is already a member of cluster '{identity.ClusterName}'");

            var ca = ClusterCa.Create(name!);
            var clusterKey = ClusterKey.Create();
            using var nodeKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var nodeCertificate = ECDsaCertificateExtensions.CopyWithPrivateKey(
                ca.IssueNode(options.NodeName, options.RackAddress, new System.Security.Cryptography.X509Certificates.PublicKey(nodeKey)), nodeKey);
            using var adminKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var adminCertificate = ca.IssueAdmin(AdminName, adminKey);
            string clientUrl = options.EtcdClientUrl.ToString().TrimEnd('/');
            string api = options.Listen.ToString().TrimEnd('/');
            var membership = new State.Membership(name!, options.NodeName, [clientUrl], [api]);
            var seat = new EtcdSeat("", $"{options.NodeName}={options.EtcdPeerUrl.ToString().TrimEnd('/')}", "new", $"{name}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");

            files.Forget(); // leftovers of a failed attempt
            files.EnsureCreated();
            StateFiles.Write(files.CaCertificate, ca.Certificate.ExportCertificatePem(), secret: false);
            StateFiles.Write(files.NodeCertificate, nodeCertificate.ExportCertificatePem(), secret: false);
            StateFiles.Write(files.NodeKey, nodeKey.ExportPkcs8PrivateKeyPem(), secret: true);
            StateFiles.Write(files.ClusterKeyFile, Convert.ToBase64String(clusterKey.Export()), secret: true);
            AdminCredentials admin;
            try
            {
                await etcd.StartAsync(seat, ct);
                using var store = new EtcdStore(ca.Certificate, nodeCertificate, [clientUrl]);
                var me = (await Retry.UntilAsync(() => store.MembersAsync(ct), TimeSpan.FromSeconds(30), ct)).Single();
                seat = seat with { MemberId = me.ID.ToString("x") };
                etcd.RecordMemberId(seat);

                var cluster = new ClusterRecord(name!, DateTimeOffset.UtcNow, ca.Certificate.ExportCertificatePem(),
                    clusterKey.Seal(ca.ExportKey(), Keys.Cluster), ClusterCa.Hash(ca.Certificate), seat.InitialClusterToken, ClusterSettings.Default);
                var node = NodeRecords.ForThisNode(options, NodeRecord.Member, null, null, null);
                var txn = await store.TxnAsync([EtcdStore.Absent(Keys.Cluster)],
                [
                    EtcdStore.PutOp(Keys.Cluster, cluster, StoreJsonContext.Default.ClusterRecord),
                    EtcdStore.PutOp(Keys.Nodes + options.NodeName, node, StoreJsonContext.Default.NodeRecord),
                    EtcdStore.PutOp(Keys.Seats + options.NodeName, seat, StoreJsonContext.Default.EtcdSeat),
                ], ct: ct);
                if (!txn.Succeeded) throw ApiException.Conflict("etcd already holds a cluster");

                admin = new AdminCredentials(name!, [api], ca.Certificate.ExportCertificatePem(), adminCertificate.ExportCertificatePem(), adminKey.ExportPkcs8PrivateKeyPem());
                StateFiles.Write(files.AdminCredentials, System.Text.Json.JsonSerializer.Serialize(admin, ClusterJsonContext.Default.AdminCredentials), secret: true);
                files.SaveMembership(membership);
            }
            catch
            {
                await etcd.StopAsync(forget: true);
                files.Forget();
                throw;
            }

            logger.LogInformation("Created cluster {Cluster} with this node ({Node}) as its first member; the administrator's credentials are in {File}",
                name, options.NodeName, files.AdminCredentials);
            lifecycle.NotifyJoined();
            return admin;
        }
        finally
        {
            lifecycle.JoinLock.Release();
        }
    }
}
