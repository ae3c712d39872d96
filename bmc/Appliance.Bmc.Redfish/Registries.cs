using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish;

/// <summary>
/// /redfish/v1/Registries: the message registries this service's messages come from. Base is
/// DMTF's (published by DMTF); ApplianceEvent, the registry of the events this BMC raises, is
/// served here in full.
/// </summary>
public static class Registries
{
    public const string Uri = "/redfish/v1/Registries";
    private const string EventRegistryVersion = "1.1.0";

    /// <summary>The ApplianceEvent messages: (key, message with %n arguments, argument count, severity, description).</summary>
    private static readonly (string Key, string Message, int Args, string Severity, string Description)[] EventMessages =
    [
        ("SelEntryAdded", "%1", 1, "OK", "An entry was added to the System Event Log; the argument is its text. The event's MessageSeverity is the entry's."),
        ("PowerStateChanged", "The power state of system '%1' changed to %2.", 2, "OK", "The host's power state changed."),
        ("TestEvent", "This is a test event.", 0, "OK", "Sent by EventService.SubmitTestEvent when the request names no message."),
    ];

    public static void Map(RedfishServices services)
    {
        RedfishRouter router = services.Router;
        router.Resource("/redfish/v1/Registries", "MessageRegistryFileCollection")
            .OnGet(_ => RedfishJson.Collection(Uri, "MessageRegistryFileCollection", "Registry File Collection", [Uri + "/Base", Uri + "/ApplianceEvent"]));
        router.Resource("/redfish/v1/Registries/{RegistryId}", "MessageRegistryFile").OnGet(File);
        router.Resource("/redfish/v1/Registries/ApplianceEvent/ApplianceEvent", "MessageRegistry").OnGet(_ => EventRegistry());
    }

    private static JsonObject? File(RedfishRequest request)
    {
        (string registry, JsonObject location) = request["RegistryId"] switch
        {
            "Base" => (BaseMessages.Registry, new JsonObject
            {
                ["Language"] = "en",
                ["PublicationUri"] = $"https://redfish.dmtf.org/registries/{BaseMessages.Registry}.json",
            }),
            "ApplianceEvent" => ($"ApplianceEvent.{EventRegistryVersion}", new JsonObject
            {
                ["Language"] = "en",
                ["Uri"] = Uri + "/ApplianceEvent/ApplianceEvent",
            }),
            _ => ("", []),
        };
        if (registry.Length == 0)
        {
            return null;
        }

        return new JsonObject
        {
            ["@odata.id"] = Uri + "/" + request["RegistryId"],
            ["@odata.type"] = "#MessageRegistryFile.v1_1_3.MessageRegistryFile",
            ["Id"] = request["RegistryId"],
            ["Name"] = request["RegistryId"] + " Message Registry File",
            ["Registry"] = registry,
            ["Languages"] = RedfishJson.Strings(["en"]),
            ["Location"] = new JsonArray(location),
        };
    }

    private static JsonObject EventRegistry()
    {
        var messages = new JsonObject();
        IEnumerable<(string, string, int, string, string)> sel = Managers.SelEntryText.Messages.Select(m => (m.Key, m.Message, m.Args, "OK",
            m.Description + "  The System Event Log entry's Severity is the entry's own."));
        foreach ((string key, string message, int args, string severity, string description) in EventMessages.Concat(sel))
        {
            messages[key] = new JsonObject
            {
                ["Description"] = description,
                ["Message"] = message,
                ["MessageSeverity"] = severity,

                // Deprecated for MessageSeverity, yet still required by MessageRegistry v1_6.
                ["Severity"] = severity,
                ["NumberOfArgs"] = args,
                ["ParamTypes"] = RedfishJson.Strings(Enumerable.Repeat("string", args)),
                ["Resolution"] = "None.",
            };
        }

        return new JsonObject
        {
            ["@odata.id"] = Uri + "/ApplianceEvent/ApplianceEvent",
            ["@odata.type"] = "#MessageRegistry.v1_6_0.MessageRegistry",
            ["Id"] = $"ApplianceEvent.{EventRegistryVersion}",
            ["Name"] = "Appliance BMC Event Message Registry",
            ["Language"] = "en",
            ["Description"] = "The events the appliance BMC raises (SEL entries and power state changes) and the messages its System Event Log entries are.",
            ["RegistryPrefix"] = "ApplianceEvent",
            ["RegistryVersion"] = EventRegistryVersion,
            ["OwningEntity"] = "Appliance",
            ["Messages"] = messages,
        };
    }
}
