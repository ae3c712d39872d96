using System.Globalization;
using System.Text.Json.Nodes;
using Appliance.Bmc.Inventory;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Hw.Smbios;

namespace Appliance.Bmc.Redfish.Systems;

/// <summary>
/// /redfish/v1/Systems/system/Processors[/{ProcessorId}]: one member per socket of the board, named
/// after the socket, filled from the SMBIOS Processor Information the BIOS last handed over.
/// </summary>
public static class Processors
{
    public const string Uri = RedfishServices.SystemUri + "/Processors";

    public static void Map(RedfishServices services)
    {
        services.Router.Resource("/redfish/v1/Systems/{SystemId}/Processors", "ProcessorCollection")
            .OnGet(request => !ComputerSystem.Exists(request) ? null
                : RedfishJson.Collection(Uri, "ProcessorCollection", "Processor Collection", request.Host.Inventory.Processors.Select(p => Uri + "/" + p.Socket)));
        services.Router.Resource("/redfish/v1/Systems/{SystemId}/Processors/{ProcessorId}", "Processor").OnGet(Get);
    }

    /// <summary>ComputerSystem's ProcessorSummary over the same data.</summary>
    public static JsonObject Summary(BmcCore host)
    {
        IReadOnlyList<ProcessorSocket> sockets = host.Inventory.Processors;
        var summary = new JsonObject();
        if (sockets.Any(s => s.Presence == Presence.Unknown))
        {
            // Until the BIOS has handed over its table there is nothing to count: null, not zero.
            summary["Count"] = null;
            summary["CoreCount"] = null;
            summary["LogicalProcessorCount"] = null;
            summary["Model"] = null;
        }
        else
        {
            ProcessorInformation[] fitted = [.. sockets.Where(s => s.Presence == Presence.Present).Select(s => s.Processor!)];
            string[] models = [.. fitted.Select(p => p.Version).Distinct()];
            summary["Count"] = fitted.Length;
            summary["CoreCount"] = fitted.Sum(p => p.CoresEnabled);
            summary["LogicalProcessorCount"] = fitted.Sum(p => p.ThreadCount);
            summary["Model"] = models.Length == 1 ? models[0] : null;
        }

        return summary;
    }

    /// <summary>Processors whose health is not OK: (URI, name, health), for the system's Status/Conditions.</summary>
    public static IEnumerable<(string Uri, string Name, string Health)> Unhealthy(BmcCore host) =>
        host.Inventory.Processors
            .Select(s => (Uri + "/" + s.Socket, "Processor " + s.Socket, HealthOf(host, s)))
            .Where(p => p.Item3 != Health.Ok);

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!ComputerSystem.Exists(request))
        {
            return null;
        }

        BmcCore host = request.Host;
        ProcessorSocket? socket = host.Inventory.Processors.FirstOrDefault(p => p.Socket == request["ProcessorId"]);
        if (socket is null)
        {
            return null;
        }

        var body = new JsonObject
        {
            ["@odata.id"] = Uri + "/" + socket.Socket,
            ["@odata.type"] = "#Processor.v1_20_0.Processor",
            ["Id"] = socket.Socket,
            ["Name"] = "Processor " + socket.Socket,
            ["Socket"] = socket.Socket,
            ["ProcessorType"] = "CPU",
            ["Location"] = RedfishJson.PartLocation(socket.Socket, "Socket", socket.Index),
        };

        switch (socket.Presence)
        {
            case Presence.Unknown:
                body["Description"] = "Not inventoried yet: the host has not completed POST since this BMC was installed";
                body["Status"] = Health.Status("UnavailableOffline", Health.Ok);
                return body;
            case Presence.Absent:
                body["Status"] = new JsonObject { ["State"] = "Absent" };
                return body;
        }

        ProcessorInformation cpu = socket.Processor!;
        body["ProcessorArchitecture"] = cpu.IsX86 ? "x86" : "OEM";
        body["InstructionSet"] = cpu.IsX86 ? (cpu.Is64BitCapable ? "x86-64" : "x86") : "OEM";
        body["Manufacturer"] = cpu.Manufacturer;
        body["Model"] = cpu.Version;
        body["MaxSpeedMHz"] = cpu.MaxSpeedMHz;
        body["OperatingSpeedMHz"] = cpu.CurrentSpeedMHz;
        body["TotalCores"] = cpu.CoreCount;
        body["TotalEnabledCores"] = cpu.CoresEnabled;
        body["TotalThreads"] = cpu.ThreadCount;
        body["SerialNumber"] = Empty(cpu.SerialNumber);
        body["PartNumber"] = Empty(cpu.PartNumber);
        body["ProcessorId"] = new JsonObject
        {
            ["IdentificationRegisters"] = Hex(cpu.Signature, 8),
            ["EffectiveFamily"] = Hex((uint)cpu.EffectiveFamily, 1),
            ["EffectiveModel"] = Hex((uint)cpu.EffectiveModel, 1),
            ["Step"] = Hex((uint)cpu.Stepping, 1),
        };
        body["Status"] = Health.Status(StateOf(host, cpu), HealthOf(host, socket));
        return body;
    }

    private static string StateOf(BmcCore host, ProcessorInformation cpu) => cpu.CpuStatus switch
    {
        2 or 3 => "Disabled",
        _ => Health.HostState(host),
    };

    /// <summary>The socket's temperature sensors (entity 3, instance = socket index + 1), and a CPU the BIOS disabled for a POST error.</summary>
    private static string HealthOf(BmcCore host, ProcessorSocket socket)
    {
        if (socket.Processor is { CpuStatus: 3 })
        {
            return Health.Critical;
        }

        return socket.Presence != Presence.Present
            ? Health.Ok
            : Health.Worst(host.Sensors.All
                .Where(s => s.Description.EntityId == 3 && s.Description.EntityInstance == socket.Index + 1)
                .Select(Health.Of));
    }

    private static string Hex(uint value, int digits) => "0x" + value.ToString("x" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string? Empty(string text) => text.Length == 0 ? null : text;
}
