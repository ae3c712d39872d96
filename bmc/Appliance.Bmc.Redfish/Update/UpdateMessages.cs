using Appliance.Bmc.Redfish.Errors;

namespace Appliance.Bmc.Redfish.Update;

/// <summary>The DMTF Update message registry entries UpdateService uses, worded as the registry words them.</summary>
public static class UpdateMessages
{
    public const string Registry = "Update.1.3.0";

    public static RedfishMessage UpdateInProgress() =>
        Make("UpdateInProgress", "An update is in progress.", "OK", "None.");

    public static RedfishMessage TransferFailed(string image, string target) =>
        Make("TransferFailed", $"Transfer of image '{image}' to '{target}' failed.", "Critical",
            "Check that the image is reachable at the URI given and try again.", [image, target]);

    public static RedfishMessage VerificationFailed(string image, string target) =>
        Make("VerificationFailed", $"Verification of image '{image}' at '{target}' failed.", "Critical",
            "Provide a complete image signed for this BMC and try again.", [image, target]);

    public static RedfishMessage UpdateNotApplicable(string image, string target) =>
        Make("UpdateNotApplicable", $"Image '{image}' was not applicable to device '{target}'.", "Warning",
            "Provide an image built for this board.", [image, target]);

    public static RedfishMessage ApplyFailed(string image, string target) =>
        Make("ApplyFailed", $"Installation of image '{image}' to '{target}' failed.", "Critical",
            "Try the update again; if it fails again, the standby firmware slot may be damaged.", [image, target]);

    public static RedfishMessage AwaitToActivate(string image, string target) =>
        Make("AwaitToActivate", $"Awaiting for an action to proceed with activating image '{image}' on '{target}'.", "OK",
            "Reset the BMC (Manager.Reset) to activate the image.", [image, target]);

    private static RedfishMessage Make(string id, string message, string severity, string resolution, string[]? args = null) =>
        new($"{Registry}.{id}", message, args ?? [], severity, resolution);
}
