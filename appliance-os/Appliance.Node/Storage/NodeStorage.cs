using Appliance.Node.Configuration;

namespace Appliance.Node.Storage;

/// <summary>
/// The node's storage folder: images/ holds imported base images, vms/&lt;name&gt;/ a VM's disks,
/// cloud-init seed and console log. QEMU runs as an unprivileged user, so every folder on the way
/// must be traversable by others.
/// </summary>
public sealed class NodeStorage
{
    public NodeStorage(NodeOptions options)
    {
        Root = options.StateDirectory;
        Images = Path.Combine(Root, "images");
        Vms = Path.Combine(Root, "vms");
    }

    public string Root { get; }
    public string Images { get; }
    public string Vms { get; }

    public void EnsureCreated()
    {
        foreach (string dir in new[] { Root, Images, Vms })
            CreateTraversable(dir);
        EnsureAncestorsTraversable(Root);
    }

    public string VmDirectory(string name) => Path.Combine(Vms, name);

    public static void CreateTraversable(string dir)
    {
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    private static void EnsureAncestorsTraversable(string dir)
    {
        for (var d = Directory.GetParent(dir); d is not null; d = d.Parent)
        {
            var mode = File.GetUnixFileMode(d.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
                throw new InvalidOperationException(
                    $"QEMU cannot reach the storage folder {dir}: {d.FullName} is not traversable by other users (chmod o+x {d.FullName}, or set Node:StateDirectory elsewhere)");
        }
    }
}
