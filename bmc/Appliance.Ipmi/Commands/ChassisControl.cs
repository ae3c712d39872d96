namespace Appliance.Ipmi.Commands;

/// <summary>Chassis Control actions (IPMI v2.0 section 28.3, request byte 1 bits 3:0).</summary>
public enum ChassisControl : byte
{
    /// <summary>Power down: force the system into soft off (S4/S5) immediately.</summary>
    PowerDown = 0x0,
    /// <summary>Power up.</summary>
    PowerUp = 0x1,
    /// <summary>Power cycle: off, a delay of at least 1 s, then on.</summary>
    PowerCycle = 0x2,
    /// <summary>Hard reset: pulse the system reset without cycling power.</summary>
    HardReset = 0x3,
    /// <summary>Pulse Diagnostic Interrupt (NMI).</summary>
    PulseDiagnosticInterrupt = 0x4,
    /// <summary>Initiate a soft-shutdown of the OS via ACPI by emulating a fatal overtemperature.</summary>
    SoftShutdown = 0x5,
}

/// <summary>Codec for the Chassis Control request.</summary>
public static class ChassisControlCodec
{
    /// <summary>The one request data byte.</summary>
    public static byte Encode(ChassisControl action) => (byte)action;

    /// <summary>
    /// Decodes a request; on failure <paramref name="completionCode"/> is C7h (length) or CCh (unknown action),
    /// ready to answer with.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out ChassisControl action, out byte completionCode)
    {
        action = default;
        if (data.Length != 1)
        {
            completionCode = CompletionCode.RequestDataLengthInvalid;
            return false;
        }

        int value = data[0] & 0x0F;
        if (value > (int)ChassisControl.SoftShutdown || (data[0] & 0xF0) != 0)
        {
            completionCode = CompletionCode.InvalidDataFieldInRequest;
            return false;
        }

        action = (ChassisControl)value;
        completionCode = CompletionCode.Normal;
        return true;
    }
}
