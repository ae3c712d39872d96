using System.Buffers.Binary;
using Appliance.Ipmi.Crypto;

namespace Appliance.Ipmi.Session;

internal readonly record struct OpenSessionRequest(
    byte MessageTag, byte RequestedPrivilege, uint RemoteSessionId, bool AlgorithmsWellFormed,
    byte Authentication, byte Integrity, byte Confidentiality);

internal readonly record struct OpenSessionResponse(
    byte MessageTag, RmcpPlusStatus Status, byte MaxPrivilege, uint RemoteSessionId, uint ManagedSessionId,
    byte Authentication, byte Integrity, byte Confidentiality);

internal readonly record struct Rakp1(byte MessageTag, uint ManagedSessionId, byte Role, bool NameLengthValid, int NameOffset, int NameLength)
{
    public const int RemoteRandomOffset = 8;
}

internal readonly record struct RakpReply(byte MessageTag, RmcpPlusStatus Status, uint SessionId, int BodyOffset, int BodyLength);

/// <summary>
/// Codecs for the RMCP+ session setup payloads (IPMI v2.0 sections 13.17-13.23): Open Session
/// Request/Response and RAKP Messages 1-4.
/// </summary>
internal static class Rakp
{
    public const int OpenSessionRequestLength = 32;
    public const int OpenSessionResponseLength = 36;
    public const int ErrorReplyLength = 8;
    public const int Rakp1FixedLength = 28;
    public const byte NameOnlyLookup = 0x10;

    private const byte AuthenticationPayload = 0x00;
    private const byte IntegrityPayload = 0x01;
    private const byte ConfidentialityPayload = 0x02;

    /// <summary>
    /// Parses an Open Session Request. False only when even the remote console session ID is missing
    /// (nothing can be answered then); malformed algorithm records are reported through
    /// <see cref="OpenSessionRequest.AlgorithmsWellFormed"/>.
    /// </summary>
    public static bool TryParseOpenSessionRequest(ReadOnlySpan<byte> p, out OpenSessionRequest request)
    {
        request = default;
        if (p.Length < 8)
        {
            return false;
        }

        bool wellFormed = p.Length >= OpenSessionRequestLength
            && IsAlgorithmRecord(p[8..16], AuthenticationPayload)
            && IsAlgorithmRecord(p[16..24], IntegrityPayload)
            && IsAlgorithmRecord(p[24..32], ConfidentialityPayload);
        request = new OpenSessionRequest(
            p[0],
            (byte)(p[1] & 0x0F),
            BinaryPrimitives.ReadUInt32LittleEndian(p[4..]),
            wellFormed,
            wellFormed ? (byte)(p[12] & 0x3F) : (byte)0,
            wellFormed ? (byte)(p[20] & 0x3F) : (byte)0,
            wellFormed ? (byte)(p[28] & 0x3F) : (byte)0);
        return true;
    }

    public static int WriteOpenSessionRequest(Span<byte> d, byte tag, PrivilegeLevel privilege, uint remoteSessionId, CipherSuite suite)
    {
        d[..OpenSessionRequestLength].Clear();
        d[0] = tag;
        d[1] = (byte)privilege;
        BinaryPrimitives.WriteUInt32LittleEndian(d[4..], remoteSessionId);
        WriteAlgorithmRecord(d[8..], AuthenticationPayload, (byte)suite.Authentication);
        WriteAlgorithmRecord(d[16..], IntegrityPayload, (byte)suite.Integrity);
        WriteAlgorithmRecord(d[24..], ConfidentialityPayload, (byte)suite.Confidentiality);
        return OpenSessionRequestLength;
    }

    public static int WriteOpenSessionResponse(Span<byte> d, byte tag, PrivilegeLevel maxPrivilege, uint remoteSessionId, uint managedSessionId, CipherSuite suite)
    {
        d[..OpenSessionResponseLength].Clear();
        d[0] = tag;
        d[1] = (byte)RmcpPlusStatus.NoErrors;
        d[2] = (byte)maxPrivilege;
        BinaryPrimitives.WriteUInt32LittleEndian(d[4..], remoteSessionId);
        BinaryPrimitives.WriteUInt32LittleEndian(d[8..], managedSessionId);
        WriteAlgorithmRecord(d[12..], AuthenticationPayload, (byte)suite.Authentication);
        WriteAlgorithmRecord(d[20..], IntegrityPayload, (byte)suite.Integrity);
        WriteAlgorithmRecord(d[28..], ConfidentialityPayload, (byte)suite.Confidentiality);
        return OpenSessionResponseLength;
    }

    public static bool TryParseOpenSessionResponse(ReadOnlySpan<byte> p, out OpenSessionResponse response)
    {
        response = default;
        if (p.Length < ErrorReplyLength)
        {
            return false;
        }

        var status = (RmcpPlusStatus)p[1];
        if (status != RmcpPlusStatus.NoErrors)
        {
            response = new OpenSessionResponse(p[0], status, 0, BinaryPrimitives.ReadUInt32LittleEndian(p[4..]), 0, 0, 0, 0);
            return true;
        }

        if (p.Length < OpenSessionResponseLength)
        {
            return false;
        }

        response = new OpenSessionResponse(
            p[0], status, (byte)(p[2] & 0x0F),
            BinaryPrimitives.ReadUInt32LittleEndian(p[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(p[8..]),
            (byte)(p[16] & 0x3F), (byte)(p[24] & 0x3F), (byte)(p[32] & 0x3F));
        return true;
    }

    /// <summary>The reply shape every refusal shares: tag, status, reserved, remote console session ID.</summary>
    public static int WriteErrorReply(Span<byte> d, byte tag, RmcpPlusStatus status, uint remoteSessionId)
    {
        d[0] = tag;
        d[1] = (byte)status;
        d[2] = 0;
        d[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(d[4..], remoteSessionId);
        return ErrorReplyLength;
    }

    public static bool TryParseRakp1(ReadOnlySpan<byte> p, out Rakp1 message)
    {
        message = default;
        if (p.Length < Rakp1FixedLength)
        {
            return false;
        }

        int nameLength = p[27];
        bool valid = nameLength <= RakpCrypto.MaxUserNameLength && Rakp1FixedLength + nameLength <= p.Length;
        message = new Rakp1(p[0], BinaryPrimitives.ReadUInt32LittleEndian(p[4..]), p[24], valid, Rakp1FixedLength, valid ? nameLength : 0);
        return true;
    }

    public static int WriteRakp1(Span<byte> d, byte tag, uint managedSessionId, ReadOnlySpan<byte> remoteRandom, byte role, ReadOnlySpan<byte> name)
    {
        d[..Rakp1FixedLength].Clear();
        d[0] = tag;
        BinaryPrimitives.WriteUInt32LittleEndian(d[4..], managedSessionId);
        remoteRandom.CopyTo(d[8..]);
        d[24] = role;
        d[27] = (byte)name.Length;
        name.CopyTo(d[28..]);
        return Rakp1FixedLength + name.Length;
    }

    /// <summary>Writes RAKP 2 or RAKP 4 (same layout): tag, status, reserved, remote console session ID, body.</summary>
    public static int WriteReply(Span<byte> d, byte tag, uint remoteSessionId, ReadOnlySpan<byte> body)
    {
        WriteErrorReply(d, tag, RmcpPlusStatus.NoErrors, remoteSessionId);
        body.CopyTo(d[ErrorReplyLength..]);
        return ErrorReplyLength + body.Length;
    }

    /// <summary>Parses RAKP 2, 3 or 4: tag, status, reserved, a session ID, then the body.</summary>
    public static bool TryParseReply(ReadOnlySpan<byte> p, out RakpReply reply)
    {
        reply = default;
        if (p.Length < ErrorReplyLength)
        {
            return false;
        }

        reply = new RakpReply(p[0], (RmcpPlusStatus)p[1], BinaryPrimitives.ReadUInt32LittleEndian(p[4..]), ErrorReplyLength, p.Length - ErrorReplyLength);
        return true;
    }

    /// <summary>Writes RAKP 3: tag, status, reserved, managed system session ID, auth code (absent on error).</summary>
    public static int WriteRakp3(Span<byte> d, byte tag, RmcpPlusStatus status, uint managedSessionId, ReadOnlySpan<byte> authCode)
    {
        WriteErrorReply(d, tag, status, managedSessionId);
        authCode.CopyTo(d[ErrorReplyLength..]);
        return ErrorReplyLength + authCode.Length;
    }

    private static bool IsAlgorithmRecord(ReadOnlySpan<byte> record, byte payloadType) =>
        record[0] == payloadType && record[3] == 8;

    private static void WriteAlgorithmRecord(Span<byte> d, byte payloadType, byte algorithm)
    {
        d[..8].Clear();
        d[0] = payloadType;
        d[3] = 8;
        d[4] = algorithm;
    }
}
