namespace Appliance.Libvirt.Rpc;

/// <summary>remote_nonnull_domain: how the protocol names a domain. The daemon finds it by UUID;
/// the id (-1 while inactive) is informational.</summary>
internal readonly record struct RemoteDomain(string Name, byte[] Uuid, int Id)
{
    public void Write(XdrWriter writer)
    {
        writer.WriteString(Name);
        writer.WriteFixedOpaque(Uuid);
        writer.WriteInt(Id);
    }

    public static RemoteDomain Read(XdrReader reader) => new(reader.ReadString(), reader.ReadFixedOpaque(16), reader.ReadInt());

    public string UuidString => Uuids.Format(Uuid);
}

/// <summary>remote_nonnull_network.</summary>
internal readonly record struct RemoteNetwork(string Name, byte[] Uuid)
{
    public void Write(XdrWriter writer)
    {
        writer.WriteString(Name);
        writer.WriteFixedOpaque(Uuid);
    }

    public static RemoteNetwork Read(XdrReader reader) => new(reader.ReadString(), reader.ReadFixedOpaque(16));
}

/// <summary>remote_nonnull_domain_snapshot: a snapshot is named by its own name and its domain.</summary>
internal readonly record struct RemoteSnapshot(string Name, RemoteDomain Domain)
{
    public void Write(XdrWriter writer)
    {
        writer.WriteString(Name);
        Domain.Write(writer);
    }

    public static RemoteSnapshot Read(XdrReader reader) => new(reader.ReadString(), RemoteDomain.Read(reader));
}
