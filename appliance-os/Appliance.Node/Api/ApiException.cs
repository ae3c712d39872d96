namespace Appliance.Node.Api;

/// <summary>A request the agent refuses, with the HTTP status, a message that says what to do,
/// and for bad input the JSON field at fault.</summary>
public sealed class ApiException(int status, string message, string? field = null) : Exception(message)
{
    public int Status { get; } = status;
    public string? Field { get; } = field;

    public static ApiException BadRequest(string field, string message) => new(StatusCodes.Status400BadRequest, message, field);
    public static ApiException NotFound(string message) => new(StatusCodes.Status404NotFound, message);
    public static ApiException Conflict(string message) => new(StatusCodes.Status409Conflict, message);
    public static ApiException BadGateway(string message) => new(StatusCodes.Status502BadGateway, message);
}

/// <summary>The body of every error response.</summary>
public sealed record ApiError(string Error, string? Field = null, string? Libvirt = null, int? LibvirtCode = null);
