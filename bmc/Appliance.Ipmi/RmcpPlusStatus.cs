namespace Appliance.Ipmi;

/// <summary>RMCP+ and RAKP message status codes (IPMI v2.0 table 13-15).</summary>
public enum RmcpPlusStatus : byte
{
    /// <summary>No errors.</summary>
    NoErrors = 0x00,
    /// <summary>Insufficient resources to create a session (the session table is full).</summary>
    InsufficientResourcesToCreateSession = 0x01,
    /// <summary>Invalid session ID.</summary>
    InvalidSessionId = 0x02,
    /// <summary>Invalid payload type.</summary>
    InvalidPayloadType = 0x03,
    /// <summary>Invalid authentication algorithm.</summary>
    InvalidAuthenticationAlgorithm = 0x04,
    /// <summary>Invalid integrity algorithm.</summary>
    InvalidIntegrityAlgorithm = 0x05,
    /// <summary>No matching authentication payload.</summary>
    NoMatchingAuthenticationPayload = 0x06,
    /// <summary>No matching integrity payload.</summary>
    NoMatchingIntegrityPayload = 0x07,
    /// <summary>Inactive session ID.</summary>
    InactiveSessionId = 0x08,
    /// <summary>Invalid role.</summary>
    InvalidRole = 0x09,
    /// <summary>Unauthorized role or privilege level requested.</summary>
    UnauthorizedRoleOrPrivilegeLevelRequested = 0x0A,
    /// <summary>Insufficient resources to create a session at the requested role.</summary>
    InsufficientResourcesAtRequestedRole = 0x0B,
    /// <summary>Invalid name length.</summary>
    InvalidNameLength = 0x0C,
    /// <summary>Unauthorized name.</summary>
    UnauthorizedName = 0x0D,
    /// <summary>Unauthorized GUID.</summary>
    UnauthorizedGuid = 0x0E,
    /// <summary>Invalid integrity check value.</summary>
    InvalidIntegrityCheckValue = 0x0F,
    /// <summary>Invalid confidentiality algorithm.</summary>
    InvalidConfidentialityAlgorithm = 0x10,
    /// <summary>No cipher suite match with proposed security algorithms.</summary>
    NoCipherSuiteMatch = 0x11,
    /// <summary>Illegal or unrecognized parameter.</summary>
    IllegalOrUnrecognizedParameter = 0x12,
}
