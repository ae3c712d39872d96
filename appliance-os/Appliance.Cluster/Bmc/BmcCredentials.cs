using System.Text;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Security;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Bmc;

/// <summary>The nodes' dedicated BMC accounts in etcd, the passwords sealed under the cluster key (bound to the node's key).</summary>
public static class BmcCredentials
{
    public static BmcCredentialRecord Seal(string node, BmcAccount account, string source, ClusterKey key) =>
        new(account.User, key.Seal(Encoding.UTF8.GetBytes(account.Password), Keys.BmcCredentials + node), account.UserId, source, DateTimeOffset.UtcNow);

    public static string OpenPassword(string node, BmcCredentialRecord record, ClusterKey key) =>
        Encoding.UTF8.GetString(key.Open(record.PasswordSealed, Keys.BmcCredentials + node));
}
