using Appliance.Node.Storage;

namespace Appliance.Node.Vms;

/// <summary>Writes a cloud-init NoCloud seed: an ISO 9660 volume labelled "cidata" holding
/// user-data, meta-data and (optionally) network-config.</summary>
public static class CloudInitSeed
{
    public static async Task WriteAsync(string isoPath, CloudInitSpec seed, string vmName, string instanceId, CancellationToken ct)
    {
        string dir = isoPath + ".d";
        Directory.CreateDirectory(dir);
        try
        {
            string metaData = seed.MetaData ?? $"instance-id: {instanceId}\nlocal-hostname: {vmName}\n";
            await File.WriteAllTextAsync(Path.Combine(dir, "meta-data"), metaData, ct);
            await File.WriteAllTextAsync(Path.Combine(dir, "user-data"), seed.UserData ?? "#cloud-config\n{}\n", ct);
            var files = new List<string> { Path.Combine(dir, "user-data"), Path.Combine(dir, "meta-data") };
            if (seed.NetworkConfig is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(dir, "network-config"), seed.NetworkConfig, ct);
                files.Add(Path.Combine(dir, "network-config"));
            }
            await ProcessRunner.RunCheckedAsync("genisoimage",
                ["-quiet", "-output", isoPath, "-volid", "cidata", "-joliet", "-rock", .. files], ct);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
