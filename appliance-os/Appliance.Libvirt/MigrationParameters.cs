namespace Appliance.Libvirt;

/// <summary>Names of virDomainMigrateToURI3's typed parameters (VIR_MIGRATE_PARAM_*).</summary>
public static class MigrationParameters
{
    public const string Uri = "migrate_uri";
    public const string DestinationName = "destination_name";
    public const string DestinationXml = "destination_xml";
    public const string PersistentXml = "persistent_xml";
    public const string BandwidthMiBs = "bandwidth";
    public const string ListenAddress = "listen_address";
    public const string MigrateDisks = "migrate_disks";
    public const string DisksPort = "disks_port";
    public const string DisksUri = "disks_uri";
}
