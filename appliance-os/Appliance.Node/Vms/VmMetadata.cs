using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Appliance.Libvirt.Xml;
using Appliance.Node.Api;

namespace Appliance.Node.Vms;

/// <summary>
/// What the agent keeps about a VM lives in the domain itself, as libvirt metadata: the spec it was
/// created from (persistent, and carried along by migration) and when it was powered on (live only).
/// The agent has no database of its own; libvirt is the source of truth.
/// </summary>
public static class VmMetadata
{
    public const string Namespace = "https://appliance.example/xmlns/node/1";
    public const string Prefix = "node";
    public const string RuntimeNamespace = "https://appliance.example/xmlns/node-runtime/1";
    public const string RuntimePrefix = "noderun";

    private static readonly XNamespace Ns = Namespace;
    private static readonly XNamespace RuntimeNs = RuntimeNamespace;

    public static XElement Create(VmSpec spec, DateTimeOffset created) =>
        new(Ns + "vm",
            new XAttribute(XNamespace.Xmlns + Prefix, Namespace),
            new XElement(Ns + "created", created.ToString("O", CultureInfo.InvariantCulture)),
            new XElement(Ns + "spec", JsonSerializer.Serialize(spec, NodeJsonContext.Default.VmSpec)));

    /// <summary>The agent's record of a domain; null when the agent did not create it.</summary>
    public static VmRecord? Read(DomainDefinition definition)
    {
        var vm = definition.FindMetadata(Ns + "vm");
        if (vm is null) return null;
        var spec = JsonSerializer.Deserialize(vm.Element(Ns + "spec")?.Value ?? "{}", NodeJsonContext.Default.VmSpec) ?? new VmSpec();
        var created = DateTimeOffset.TryParse(vm.Element(Ns + "created")?.Value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var c) ? c : (DateTimeOffset?)null;
        var runtime = definition.FindMetadata(RuntimeNs + "runtime");
        var started = DateTimeOffset.TryParse(runtime?.Attribute("started-at")?.Value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var s) ? s : (DateTimeOffset?)null;
        return new VmRecord(spec, created, started);
    }

    /// <summary>The live-only element recording when the VM was powered on.</summary>
    public static string RuntimeElement(DateTimeOffset startedAt) =>
        new XElement("runtime", new XAttribute("started-at", startedAt.ToString("O", CultureInfo.InvariantCulture))).ToString();
}

public sealed record VmRecord(VmSpec Spec, DateTimeOffset? CreatedAt, DateTimeOffset? StartedAt);
