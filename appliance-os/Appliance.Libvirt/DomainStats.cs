namespace Appliance.Libvirt;

/// <summary>One domain's record from virConnectGetAllDomainStats or virDomainListGetStats.</summary>
public sealed record DomainStats(string DomainName, string DomainUuid, TypedParameters Values);
