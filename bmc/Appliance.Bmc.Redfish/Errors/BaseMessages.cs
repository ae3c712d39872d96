namespace Appliance.Bmc.Redfish.Errors;

/// <summary>
/// The DMTF Base message registry entries this service uses, worded as the registry words them.
/// Each method fills in the registry's arguments; <c>property</c> arguments become RelatedProperties.
/// </summary>
public static class BaseMessages
{
    public const string Registry = "Base.1.16.0";

    public static RedfishMessage Success() =>
        Make("Success", "The request completed successfully.", "OK", "None.");

    public static RedfishMessage Created() =>
        Make("Created", "The resource has been created successfully.", "OK", "None.");

    public static RedfishMessage GeneralError(string? resolution = null) =>
        Make("GeneralError", "A general error has occurred.  See Resolution for information on how to resolve the error, or @Message.ExtendedInfo if Resolution is not provided.",
            "Critical", resolution ?? "None.");

    public static RedfishMessage InternalError() =>
        Make("InternalError", "The request failed due to an internal service error.  The service is still operational.", "Critical",
            "Resubmit the request.  If the problem persists, consider resetting the service.");

    public static RedfishMessage ResourceNotFound(string type, string name) =>
        Make("ResourceNotFound", $"The requested resource of type {type} named '{name}' was not found.", "Critical",
            "Provide a valid resource identifier and resubmit the request.", args: [type, name]);

    public static RedfishMessage MalformedJSON() =>
        Make("MalformedJSON", "The request body submitted was malformed JSON and could not be parsed by the receiving service.", "Critical",
            "Ensure that the request body is valid JSON and resubmit the request.");

    public static RedfishMessage EmptyJSON() =>
        Make("EmptyJSON", "The request body submitted contained an empty JSON object and the service is unable to process it.", "Warning",
            "Add properties in the JSON object and resubmit the request.");

    public static RedfishMessage PropertyUnknown(string property) =>
        Make("PropertyUnknown", $"The property {property} is not in the list of valid properties for the resource.", "Warning",
            "Remove the unknown property from the request body and resubmit the request if the operation failed.", [property], property);

    public static RedfishMessage PropertyNotWritable(string property) =>
        Make("PropertyNotWritable", $"The property {property} is a read only property and cannot be assigned a value.", "Warning",
            "Remove the property from the request body and resubmit the request if the operation failed.", [property], property);

    public static RedfishMessage PropertyMissing(string property) =>
        Make("PropertyMissing", $"The property {property} is a required property and must be included in the request.", "Warning",
            "Ensure that the property is in the request body and has a valid value and resubmit the request if the operation failed.", [property], property);

    public static RedfishMessage PropertyValueNotInList(string value, string property) =>
        Make("PropertyValueNotInList", $"The value '{value}' for the property {property} is not in the list of acceptable values.", "Warning",
            "Choose a value from the enumeration list that the implementation can support and resubmit the request if the operation failed.",
            [value, property], property);

    public static RedfishMessage PropertyValueTypeError(string value, string property) =>
        Make("PropertyValueTypeError", $"The value '{value}' for the property {property} is of a different type than the property can accept.", "Warning",
            "Correct the value for the property in the request body and resubmit the request if the operation failed.", [value, property], property);

    public static RedfishMessage PropertyValueFormatError(string value, string property) =>
        Make("PropertyValueFormatError", $"The value '{value}' for the property {property} is of a different format than the property can accept.", "Warning",
            "Correct the value for the property in the request body and resubmit the request if the operation failed.", [value, property], property);

    public static RedfishMessage PropertyValueOutOfRange(string value, string property) =>
        Make("PropertyValueOutOfRange", $"The value '{value}' for the property {property} is not in the supported range of acceptable values.", "Warning",
            "Correct the value for the property in the request body and resubmit the request if the operation failed.", [value, property], property);

    public static RedfishMessage PropertyValueIncorrect(string property, string value) =>
        Make("PropertyValueIncorrect", $"The property '{property}' with the requested value of '{value}' could not be written because the value does not meet the constraints of the implementation.",
            "Warning", "No resolution is required.", [property, value], property);

    public static RedfishMessage PropertyValueConflict(string property, string otherProperty) =>
        Make("PropertyValueConflict", $"The property '{property}' could not be written because its value would conflict with the value of the '{otherProperty}' property.",
            "Warning", "No resolution is required.", [property, otherProperty], property);

    public static RedfishMessage ResourceAlreadyExists(string type, string property, string value) =>
        Make("ResourceAlreadyExists", $"The requested resource of type {type} with the property {property} with the value '{value}' already exists.", "Critical",
            "Do not repeat the create operation as the resource has already been created.", [type, property, value], property);

    public static RedfishMessage CreateLimitReachedForResource() =>
        Make("CreateLimitReachedForResource", "The create operation failed because the resource has reached the limit of possible resources.", "Critical",
            "Either delete resources and resubmit the request if the operation failed or do not resubmit the request.");

    public static RedfishMessage ResourceCannotBeDeleted() =>
        Make("ResourceCannotBeDeleted", "The delete request failed because the resource requested cannot be deleted.", "Critical",
            "Do not attempt to delete a non-deletable resource.");

    public static RedfishMessage ActionNotSupported(string action) =>
        Make("ActionNotSupported", $"The action {action} is not supported by the resource.", "Critical",
            "The action supplied cannot be resubmitted to the implementation.  Perhaps the action was invalid, the wrong resource was the target or the implementation documentation may be of assistance.",
            [action]);

    public static RedfishMessage ActionParameterMissing(string action, string parameter) =>
        Make("ActionParameterMissing", $"The action {action} requires the parameter {parameter} to be present in the request body.", "Critical",
            "Supply the action with the required parameter in the request body when the request is resubmitted.", [action, parameter], parameter);

    public static RedfishMessage ActionParameterUnknown(string action, string parameter) =>
        Make("ActionParameterUnknown", $"The action {action} was submitted with the invalid parameter {parameter}.", "Warning",
            "Correct the invalid action parameter and resubmit the request if the operation failed.", [action, parameter], parameter);

    public static RedfishMessage ActionParameterValueNotInList(string value, string parameter, string action) =>
        Make("ActionParameterValueNotInList", $"The value '{value}' for the parameter {parameter} in the action {action} is not in the list of acceptable values.", "Warning",
            "Choose a value from the enumeration list that the implementation can support and resubmit the request if the operation failed.",
            [value, parameter, action], parameter);

    public static RedfishMessage ActionParameterValueTypeError(string value, string parameter, string action) =>
        Make("ActionParameterValueTypeError", $"The value '{value}' for the parameter {parameter} in the action {action} is of a different type than the parameter can accept.", "Warning",
            "Correct the value for the parameter in the request body and resubmit the request if the operation failed.", [value, parameter, action], parameter);

    public static RedfishMessage ActionParameterValueFormatError(string value, string parameter, string action) =>
        Make("ActionParameterValueFormatError", $"The value '{value}' for the parameter {parameter} in the action {action} is of a different format than the parameter can accept.", "Warning",
            "Correct the value for the parameter in the request body and resubmit the request if the operation failed.", [value, parameter, action], parameter);

    public static RedfishMessage ChassisPowerStateOnRequired(string chassisId) =>
        Make("ChassisPowerStateOnRequired", $"The chassis with Id '{chassisId}' requires to be powered on to perform this request.", "Warning",
            "Power on the specified chassis and resubmit the request.", [chassisId]);

    public static RedfishMessage ServiceTemporarilyUnavailable(int retryAfterSeconds) =>
        Make("ServiceTemporarilyUnavailable", $"The service is temporarily unavailable.  Retry in {retryAfterSeconds} seconds.", "Critical",
            "Wait for the indicated retry duration and retry the operation.", [retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    public static RedfishMessage ServiceShuttingDown() =>
        Make("ServiceShuttingDown", "The operation failed because the service is shutting down and can no longer take incoming requests.", "Critical",
            "When the service becomes available, resubmit the request if the operation failed.");

    public static RedfishMessage InsufficientPrivilege() =>
        Make("InsufficientPrivilege", "There are insufficient privileges for the account or credentials associated with the current session to perform the requested operation.",
            "Critical", "Either abandon the operation or change the associated access rights and resubmit the request if the operation failed.");

    public static RedfishMessage NoValidSession() =>
        Make("NoValidSession", "There is no valid session established with the implementation.", "Critical",
            "Establish a session before attempting any operations.");

    public static RedfishMessage ResourceAtUriUnauthorized(string uri, string error) =>
        Make("ResourceAtUriUnauthorized", $"While accessing the resource at '{uri}', the service received an authorization error '{error}'.", "Critical",
            "Ensure that the appropriate access is provided for the service in order for it to access the URI.", [uri, error]);

    public static RedfishMessage PasswordChangeRequired(string accountUri) =>
        Make("PasswordChangeRequired", $"The password provided for this account must be changed before access is granted.  PATCH the Password property for this account located at the target URI '{accountUri}' to complete this process.",
            "Critical", "Change the password for this account using a PATCH to the Password property at the URI provided.", [accountUri]);

    public static RedfishMessage SessionLimitExceeded() =>
        Make("SessionLimitExceeded", "The session establishment failed due to the number of simultaneous sessions exceeding the limit of the implementation.", "Critical",
            "Reduce the number of other sessions before trying to establish the session or increase the limit of simultaneous sessions, if supported.");

    public static RedfishMessage SessionTerminated() =>
        Make("SessionTerminated", "The session was successfully terminated.", "OK", "No resolution is required.");

    public static RedfishMessage EventSubscriptionLimitExceeded() =>
        Make("EventSubscriptionLimitExceeded", "The event subscription failed due to the number of simultaneous subscriptions exceeding the limit of the implementation.", "Critical",
            "Reduce the number of other subscriptions before trying to establish the event subscription or increase the limit of simultaneous subscriptions, if supported.");

    public static RedfishMessage OperationNotAllowed() =>
        Make("OperationNotAllowed", "The HTTP method is not allowed on this resource.", "Critical", "None.");

    public static RedfishMessage PreconditionFailed() =>
        Make("PreconditionFailed", "The ETag supplied did not match the ETag required to change this resource.", "Critical",
            "Try the operation again using the appropriate ETag.");

    /// <param name="header">The full header as sent, name and value.</param>
    public static RedfishMessage HeaderInvalid(string header) =>
        Make("HeaderInvalid", $"Header '{header}' is invalid.", "Critical", "Resubmit the request with a valid request header.", [header]);

    public static RedfishMessage PayloadTooLarge() =>
        Make("PayloadTooLarge", "The supplied payload exceeds the maximum size supported by the service.", "Critical",
            "Check that the supplied payload is correct and supported by this service.");

    public static RedfishMessage QueryNotSupportedOnResource() =>
        Make("QueryNotSupportedOnResource", "Querying is not supported on the requested resource.", "Warning",
            "Remove the query parameters and resubmit the request if the operation failed.");

    public static RedfishMessage QueryNotSupportedOnOperation() =>
        Make("QueryNotSupportedOnOperation", "Querying is not supported with the requested operation.", "Warning",
            "Remove the query parameters and resubmit the request if the operation failed.");

    public static RedfishMessage QueryParameterUnsupported(string parameter) =>
        Make("QueryParameterUnsupported", $"Query parameter '{parameter}' is not supported.", "Warning",
            "Correct or remove the query parameter and resubmit the request.", [parameter]);

    public static RedfishMessage QueryParameterValueFormatError(string value, string parameter) =>
        Make("QueryParameterValueFormatError", $"The value '{value}' for the parameter {parameter} is of a different format than the parameter can accept.", "Warning",
            "Correct the value for the query parameter in the request and resubmit the request if the operation failed.", [value, parameter]);

    public static RedfishMessage QueryParameterOutOfRange(string value, string parameter, string range) =>
        Make("QueryParameterOutOfRange", $"The value '{value}' for the query parameter {parameter} is out of range {range}.", "Warning",
            "Reduce the value for the query parameter to a value that is within range, such as a start or count value that is within bounds of the number of resources in a collection or a page that is within the range of valid pages.",
            [value, parameter, range]);

    public static RedfishMessage ResourceInUse() =>
        Make("ResourceInUse", "The change to the requested resource failed because the resource is in use or in transition.", "Warning",
            "Remove the condition and resubmit the request if the operation failed.");

    public static RedfishMessage AccountRemoved() =>
        Make("AccountRemoved", "The account was successfully removed.", "OK", "No resolution is required.");

    public static RedfishMessage AccountModified() =>
        Make("AccountModified", "The account was successfully modified.", "OK", "No resolution is required.");

    public static RedfishMessage ResetRequired(string uri, string resetType) =>
        Make("ResetRequired", $"In order to apply changes, recover from errors, or complete the operation, a component reset is required with the Reset action URI '{uri}' and ResetType '{resetType}'.",
            "Warning", "Perform the required reset action on the specified component.", [uri, resetType]);

    private static RedfishMessage Make(string id, string message, string severity, string resolution, string[]? args = null, string? property = null) =>
        new($"{Registry}.{id}", message, args ?? [], severity, resolution)
        {
            RelatedProperties = property is null ? [] : ["#/" + property],
        };
}
