namespace Appliance.Ipmi;

/// <summary>Generic IPMI completion codes (IPMI v2.0 table 5-2). Command-specific codes are 80h-BEh.</summary>
public static class CompletionCode
{
    /// <summary>Command completed normally.</summary>
    public const byte Normal = 0x00;
    /// <summary>Node busy: command could not be processed because resources were busy.</summary>
    public const byte NodeBusy = 0xC0;
    /// <summary>Invalid command: unrecognised or unsupported.</summary>
    public const byte InvalidCommand = 0xC1;
    /// <summary>Command invalid for the given LUN.</summary>
    public const byte InvalidCommandForLun = 0xC2;
    /// <summary>Timeout while processing the command.</summary>
    public const byte Timeout = 0xC3;
    /// <summary>Out of space.</summary>
    public const byte OutOfSpace = 0xC4;
    /// <summary>Reservation cancelled or invalid reservation ID.</summary>
    public const byte ReservationCanceled = 0xC5;
    /// <summary>Request data truncated.</summary>
    public const byte RequestDataTruncated = 0xC6;
    /// <summary>Request data length invalid.</summary>
    public const byte RequestDataLengthInvalid = 0xC7;
    /// <summary>Request data field length limit exceeded.</summary>
    public const byte RequestDataFieldLengthLimitExceeded = 0xC8;
    /// <summary>Parameter out of range.</summary>
    public const byte ParameterOutOfRange = 0xC9;
    /// <summary>Cannot return the number of requested data bytes.</summary>
    public const byte CannotReturnRequestedDataBytes = 0xCA;
    /// <summary>Requested sensor, data, or record not present.</summary>
    public const byte RequestedDataNotPresent = 0xCB;
    /// <summary>Invalid data field in request.</summary>
    public const byte InvalidDataFieldInRequest = 0xCC;
    /// <summary>Command illegal for the specified sensor or record type.</summary>
    public const byte CommandIllegalForSensorOrRecordType = 0xCD;
    /// <summary>Command response could not be provided.</summary>
    public const byte CommandResponseCouldNotBeProvided = 0xCE;
    /// <summary>Cannot execute a duplicated request.</summary>
    public const byte CannotExecuteDuplicatedRequest = 0xCF;
    /// <summary>SDR repository in update mode.</summary>
    public const byte SdrRepositoryInUpdateMode = 0xD0;
    /// <summary>Device in firmware update mode.</summary>
    public const byte DeviceInFirmwareUpdateMode = 0xD1;
    /// <summary>BMC initialization or initialization agent in progress.</summary>
    public const byte BmcInitializationInProgress = 0xD2;
    /// <summary>Destination unavailable.</summary>
    public const byte DestinationUnavailable = 0xD3;
    /// <summary>Cannot execute command due to insufficient privilege level.</summary>
    public const byte InsufficientPrivilege = 0xD4;
    /// <summary>Command, or request parameter(s), not supported in present state.</summary>
    public const byte NotSupportedInPresentState = 0xD5;
    /// <summary>Cannot execute command: parameter is illegal because the sub-function is disabled or unavailable.</summary>
    public const byte SubFunctionDisabled = 0xD6;
    /// <summary>Unspecified error.</summary>
    public const byte Unspecified = 0xFF;
}
