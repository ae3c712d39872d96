using System.Text.Json.Nodes;
using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>The SEL as Redfish LogEntries: the collection holds every entry inline, each a registry message.</summary>
public sealed class SelEntriesTests : IAsyncLifetime
{
    private const string Entries = "/redfish/v1/Managers/bmc/LogServices/SEL/Entries";
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task The_entries_collection_shows_every_entry_inline_with_a_registry_message()
    {
        // A power-on (discrete), an OEM record and a threshold event (with reading) in the SEL.
        _rig.Host.Power.Request(PowerAction.On);
        await RedfishRig.WaitForAsync(() => _rig.Host.Power.State == PowerState.On, "the host to power on");
        _rig.Host.Sel.Add(PowerLimit.ExceededRecord(300, 345, PowerLimitException.LogEventOnly));
        _rig.Host.Sel.Add(new SelRecord(0, SelRecord.SystemEventRecord, 0, SelRecord.BmcGenerator, SelRecord.IpmiV2EventRevision,
            0x01, 3, 0x01, 0x59, 0xBE, 0xBE)); // CPU0 Temp, threshold, upper critical going high, reading and threshold in event data

        using HttpClient admin = _rig.Admin();
        JsonObject collection = await admin.GetJsonAsync(Entries);
        JsonArray members = collection["Members"]!.AsArray();
        Assert.Equal(_rig.Host.Sel.Entries().Count, members.Count);
        Assert.Equal(members.Count, collection["Members@odata.count"]!.GetValue<int>());

        JsonObject registry = await admin.GetJsonAsync("/redfish/v1/Registries/ApplianceEvent/ApplianceEvent");
        foreach (JsonObject entry in members.Select(m => m!.AsObject()))
        {
            Assert.StartsWith("#LogEntry.", entry["@odata.type"]!.GetValue<string>());
            Assert.Equal("SEL", entry["EntryType"]!.GetValue<string>());
            Assert.NotNull(entry["Id"]);
            Assert.NotNull(entry["Name"]);

            // The MessageId names a message of the registry, and the Message is that message with the entry's arguments.
            string[] id = entry["MessageId"]!.GetValue<string>().Split('.');
            Assert.Equal(("ApplianceEvent", "1", "1"), (id[0], id[1], id[2]));
            JsonObject message = registry["Messages"]![id[3]]!.AsObject();
            string[] args = [.. entry["MessageArgs"]!.AsArray().Select(a => a!.GetValue<string>())];
            Assert.Equal(message["NumberOfArgs"]!.GetValue<int>(), args.Length);
            string text = message["Message"]!.GetValue<string>();
            for (int i = args.Length; i >= 1; i--)
            {
                text = text.Replace("%" + i, args[i - 1], StringComparison.Ordinal);
            }

            Assert.Equal(text, entry["Message"]!.GetValue<string>());
            Assert.Equal(entry, await admin.GetJsonAsync(entry["@odata.id"]!.GetValue<string>()), JsonNode.DeepEquals);
        }

        Assert.Contains(members, m => m!["MessageId"]!.GetValue<string>() == "ApplianceEvent.1.1.OemTimestampedRecord"
            && m["MessageArgs"]![1]!.GetValue<string>() == "0x000000");
        JsonObject threshold = members.Single(m => m!["MessageId"]!.GetValue<string>() == "ApplianceEvent.1.1.SensorThresholdCrossed")!.AsObject();
        Assert.Equal("CPU0 Temp", threshold["MessageArgs"]![0]!.GetValue<string>());
        Assert.Equal("Critical", threshold["Severity"]!.GetValue<string>());
        Assert.Contains(members, m => m!["Message"]!.GetValue<string>().EndsWith("Host power on.", StringComparison.Ordinal));
    }
}
