using System.Text.Json.Nodes;
using Appliance.Bmc.Chassis;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Managers;

/// <summary>
/// OEM resource /redfish/v1/Managers/bmc/Oem/Appliance/FrontPanel: what the front-panel LCD
/// shows right now, #ApplianceFrontPanel.PressButton to press a panel button remotely, and the panel's
/// setup PIN (PATCH "Pin": 4..8 digits to set, "" to clear; like a password it reads back as
/// null, with PinSet saying whether one is set). Served only when the front panel service has
/// registered its mirror on the host.
/// </summary>
public static class FrontPanelOem
{
    public const string Uri = RedfishServices.ManagerUri + "/Oem/Appliance/FrontPanel";
    public const string PressAction = "ApplianceFrontPanel.PressButton";
    public static readonly string[] Buttons = Enum.GetNames<FrontPanelButton>();

    public static void Map(RedfishServices services)
    {
        services.Router.Resource("/redfish/v1/Managers/{ManagerId}/Oem/Appliance/FrontPanel", "FrontPanel")
            .OnGet(Get)
            .OnPatch(Privilege.ConfigureManager, PatchAsync);
        services.Router.Resource("/redfish/v1/Managers/{ManagerId}/Oem/Appliance/FrontPanel/Actions/ApplianceFrontPanel.PressButton", "FrontPanel")
            .OnPost(Privilege.ConfigureComponents, PressAsync);
    }

    private static JsonObject? Get(RedfishRequest request)
    {
        IFrontPanelMirror? panel = request.Host.FrontPanelMirror;
        if (!Manager.Exists(request) || panel is null)
        {
            return null;
        }

        return new JsonObject
        {
            ["@odata.id"] = Uri,
            ["@odata.type"] = "#ApplianceFrontPanel.v1_0_0.FrontPanel",
            ["Id"] = "FrontPanel",
            ["Name"] = "Front panel",
            ["Lines"] = RedfishJson.Strings(panel.Lines),
            ["Backlight"] = panel.Backlight,
            ["Pin"] = null,
            ["PinSet"] = request.Host.FrontPanelPolicy.PinSet,
            ["LockoutActive"] = request.Host.FrontPanelPolicy.LockoutActive,
            ["@Redfish.WriteableProperties"] = RedfishJson.Strings(["Pin"]),
            ["Actions"] = new JsonObject
            {
                ["#ApplianceFrontPanel.PressButton"] = new JsonObject
                {
                    ["target"] = Uri + "/Actions/ApplianceFrontPanel.PressButton",
                    ["Button@Redfish.AllowableValues"] = RedfishJson.Strings(Buttons),
                },
            },
        };
    }

    private static Task<RedfishResult> PatchAsync(RedfishRequest request)
    {
        if (Get(request) is not JsonObject current)
        {
            throw new RedfishException(StatusCodes.Status404NotFound, BaseMessages.ResourceNotFound("FrontPanel", "FrontPanel"));
        }

        var body = new BodyReader(request.Body, current);
        string? pin = body.String("Pin");
        if (pin is not null and not "" && !FrontPanelPolicy.IsValidPin(pin))
        {
            // The value itself is never echoed: it is a secret.
            body.Fail(BaseMessages.PropertyValueFormatError("(hidden)", "Pin"));
        }

        body.Finish();
        if (pin == "")
        {
            request.Host.FrontPanelPolicy.ClearPin();
        }
        else if (pin is not null)
        {
            request.Host.FrontPanelPolicy.SetPin(pin);
        }

        return Task.FromResult(RedfishResult.Ok(Get(request)!));
    }

    private static Task<RedfishResult> PressAsync(RedfishRequest request)
    {
        IFrontPanelMirror? panel = request.Host.FrontPanelMirror;
        if (!Manager.Exists(request) || panel is null)
        {
            throw new RedfishException(StatusCodes.Status404NotFound, BaseMessages.ResourceNotFound("FrontPanel", "FrontPanel"));
        }

        var body = new BodyReader(request.Body, action: PressAction);
        body.Require("Button");
        string? button = body.Enum("Button", Buttons);
        body.Finish();
        panel.Press(Enum.Parse<FrontPanelButton>(button!));
        return Task.FromResult(RedfishResult.NoContent());
    }
}
