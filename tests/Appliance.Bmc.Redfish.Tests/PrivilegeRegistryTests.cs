using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// The privilege every write needs, pinned against DMTF's Redfish privilege registry (DSP8011,
/// Redfish_1.x_PrivilegeRegistry: entity → operation → privileges) rather than against the service's
/// own map, so a privilege declared wrongly fails here even though the dispatcher enforces it
/// faithfully (<see cref="PrivilegeMapTests"/>). Where the service departs from the registry the
/// table says so and why; a new route or method fails until it is added with its registry entry.
/// </summary>
public sealed class PrivilegeRegistryTests : PausedRigTests
{
    private const Privilege Components = Privilege.ConfigureComponents;
    private const Privilege Manager = Privilege.ConfigureManager;
    private const Privilege Users = Privilege.ConfigureUsers;

    /// <summary>
    /// Route and method → the registry's entity, the privilege the registry asks for (where it accepts
    /// any one of several, they are OR-ed here), and the one the service declares when it differs,
    /// with the reason. The registry's "ConfigureManager or
    /// ConfigureSelf" on a caller's own session is Login at the door here: every role holds both
    /// Login and ConfigureSelf, and the handler lets only ConfigureManager end someone else's.
    /// </summary>
    private static readonly (string Template, string Method, string Entity, Privilege Registry, Privilege? Ours, string? Why)[] Expected =
    [
        ("/redfish/v1/AccountService", "PATCH", "AccountService", Users, null, null),
        ("/redfish/v1/AccountService/Accounts", "POST", "ManagerAccountCollection", Users, null, null),
        ("/redfish/v1/AccountService/Accounts/{AccountId}", "PATCH", "ManagerAccount", Users, Privilege.ConfigureSelf,
            "the registry's Password override (ConfigureUsers or ConfigureSelf): anyone may change their own password; the handler refuses any other property or account without ConfigureUsers"),
        ("/redfish/v1/AccountService/Accounts/{AccountId}", "DELETE", "ManagerAccount", Users, null, null),
        ("/redfish/v1/SessionService", "PATCH", "SessionService", Manager, null, null),
        ("/redfish/v1/SessionService/Sessions", "POST", "SessionCollection", Privilege.None, null, null), // login: DSP0266 asks for no credentials
        ("/redfish/v1/SessionService/Sessions/Members", "POST", "SessionCollection", Privilege.None, null, null),
        ("/redfish/v1/SessionService/Sessions/{SessionId}", "DELETE", "Session", Privilege.Login, null, null),
        ("/redfish/v1/Chassis/{ChassisId}", "PATCH", "Chassis", Components, null, null),
        ("/redfish/v1/Chassis/{ChassisId}/Controls/{ControlId}", "PATCH", "Control", Manager, Components,
            "the power limit is the one DCMI's Set Power Limit sets, which IPMI lets an Operator do: one limit, one privilege on both doors"),
        ("/redfish/v1/Systems/{SystemId}", "PATCH", "ComputerSystem", Components, null, null),
        ("/redfish/v1/Systems/{SystemId}/Actions/ComputerSystem.Reset", "POST", "ComputerSystem", Components, null, null),
        ("/redfish/v1/Managers/{ManagerId}", "PATCH", "Manager", Manager, null, null),
        ("/redfish/v1/Managers/{ManagerId}/Actions/Manager.Reset", "POST", "Manager", Manager, null, null),
        ("/redfish/v1/Managers/{ManagerId}/NetworkProtocol", "PATCH", "ManagerNetworkProtocol", Manager, null, null),
        ("/redfish/v1/Managers/{ManagerId}/EthernetInterfaces/{EthernetInterfaceId}", "PATCH", "EthernetInterface (under Manager)", Manager, null, null),
        ("/redfish/v1/Managers/{ManagerId}/LogServices/{LogServiceId}/Actions/LogService.ClearLog", "POST", "LogService (under Manager)", Manager, null, null),
        ("/redfish/v1/Managers/{ManagerId}/Oem/Appliance/FrontPanel", "PATCH", "OEM: the front panel's settings belong to the manager", Manager, null, null),
        ("/redfish/v1/Managers/{ManagerId}/Oem/Appliance/FrontPanel/Actions/ApplianceFrontPanel.PressButton", "POST",
            "OEM: a button press does what ComputerSystem.Reset does", Components, null, null),
        ("/redfish/v1/EventService/Subscriptions", "POST", "EventDestinationCollection", Manager | Components, Manager,
            "stricter: subscriptions send the BMC's events to any address, which is the manager's to decide"),
        ("/redfish/v1/EventService/Subscriptions/{SubscriptionId}", "DELETE", "EventDestination", Manager | Privilege.ConfigureSelf, Manager,
            "stricter: only the manager's administrators create subscriptions, so only they end them"),
        ("/redfish/v1/EventService/Actions/EventService.SubmitTestEvent", "POST", "EventService", Manager, null, null),
        ("/redfish/v1/CertificateService/Actions/CertificateService.ReplaceCertificate", "POST", "CertificateService", Manager, null, null),
        ("/redfish/v1/CertificateService/Actions/CertificateService.GenerateCSR", "POST", "CertificateService", Manager, null, null),
        ("/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate", "POST", "UpdateService", Components, Manager,
            "stricter: the image is the BMC's own firmware, so updating it is configuring the manager"),
    ];

    [Fact]
    public void Every_write_needs_the_privilege_the_dmtf_registry_gives_its_entity_or_a_stated_exception()
    {
        var wrong = new List<string>();
        var declared = new HashSet<(string, string)>();
        foreach (RedfishResource resource in Rig.Service.Services.Router.Resources)
        {
            foreach (string method in new[] { "PATCH", "POST", "DELETE" })
            {
                if (!resource.TryGetWrite(method, out Privilege needed, out _))
                {
                    continue;
                }

                declared.Add((resource.Template, method));
                var entries = Expected.Where(e => e.Template == resource.Template && e.Method == method).ToArray();
                if (entries.Length != 1)
                {
                    wrong.Add($"{method} {resource.Template}: not in the registry table; add it with its registry entity");
                    continue;
                }

                var entry = entries[0];
                if (entry.Ours is not null && entry.Ours != entry.Registry && string.IsNullOrWhiteSpace(entry.Why))
                {
                    wrong.Add($"{method} {resource.Template}: departs from the registry without saying why");
                }

                Privilege expected = entry.Ours ?? entry.Registry;
                if (needed != expected)
                {
                    wrong.Add($"{method} {resource.Template} ({entry.Entity}): needs {needed}, the table says {expected}");
                }
            }
        }

        foreach (var entry in Expected.Where(e => !declared.Contains((e.Template, e.Method))))
        {
            wrong.Add($"{entry.Method} {entry.Template}: in the table, not served");
        }

        Assert.Empty(wrong);
    }
}
