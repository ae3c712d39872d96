using Appliance.Ipmi.Commands;
using Appliance.Ipmi.Messages;
using Appliance.Ipmi.Rmcp;

namespace Appliance.Ipmi.Tests;

/// <summary>The discovery commands answered before any session, byte for byte.</summary>
public sealed class PreSessionTests
{
    private static async Task<(byte Cc, byte[] Data, bool V2)> AskAsync(TestBmc bmc, byte command, byte[] data, bool v2, NetFn netFn = NetFn.App)
    {
        using var raw = new RawRmcp(bmc.EndPoint);
        var message = new byte[IpmiLanMessage.RequestLength(data.Length)];
        IpmiLanMessage.WriteRequest(message, netFn, 0, 7, command, data);
        var datagram = new byte[64];
        int n = v2
            ? SessionPacketCodec.WriteV2Clear(datagram, PayloadType.Ipmi, 0, 0, message)
            : SessionPacketCodec.WriteV15(datagram, message);
        raw.Send(datagram.AsSpan(0, n));
        var reply = await raw.ReceiveAsync();
        Assert.NotNull(reply);
        Assert.True(SessionPacketCodec.TryParse(reply, out var packet));
        Assert.True(IpmiLanMessage.TryParseResponse(reply.AsSpan(packet.PayloadOffset, packet.PayloadLength), out var header, out int offset, out int length));
        Assert.Equal(7, header.RqSeq);
        Assert.Equal(command, header.Command);
        Assert.Equal((byte)netFn | 1, header.NetFn);
        return (header.CompletionCode, reply.AsSpan(packet.PayloadOffset + offset, length).ToArray(), packet.IsV2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Channel_authentication_capabilities_advertise_only_ipmi_2_0_with_named_users(bool v2)
    {
        await using var bmc = await TestBmc.StartAsync();

        var (cc, data, answeredV2) = await AskAsync(bmc, AppCommand.GetChannelAuthenticationCapabilities, [0x8E, 0x04], v2);

        Assert.Equal(CompletionCode.Normal, cc);
        Assert.Equal(v2, answeredV2); // answered in the framing it was asked in
        // channel 1; v2.0 extended data, no v1.5 auth types; non-null user names only, K_g not set; v2.0 only; no OEM data.
        Assert.Equal(new byte[] { 0x01, 0x80, 0x04, 0x02, 0, 0, 0, 0 }, data);
    }

    [Fact]
    public async Task Kg_status_bit_follows_the_configured_kg()
    {
        await using var bmc = await TestBmc.StartAsync(o => o.Kg = [1, 2, 3]);

        var (_, data, _) = await AskAsync(bmc, AppCommand.GetChannelAuthenticationCapabilities, [0x8E, 0x04], v2: false);

        Assert.Equal(0x24, data[2]);
    }

    [Fact]
    public async Task Cipher_suite_records_come_in_16_byte_pages()
    {
        await using var bmc = await TestBmc.StartAsync();

        var first = await AskAsync(bmc, AppCommand.GetChannelCipherSuites, [0x0E, 0x00, 0x80], v2: true);
        var second = await AskAsync(bmc, AppCommand.GetChannelCipherSuites, [0x0E, 0x00, 0x81], v2: true);
        var algorithms = await AskAsync(bmc, AppCommand.GetChannelCipherSuites, [0x0E, 0x00, 0x00], v2: true);

        Assert.Equal(new byte[] { 0x01, 0xC0, 0x03, 0x01, 0x41, 0x81, 0xC0, 0x11, 0x03, 0x44, 0x81 }, first.Data);
        Assert.Equal(new byte[] { 0x01 }, second.Data); // fewer than 16 record bytes: the list has ended
        Assert.Equal(new byte[] { 0x01, 0x01, 0x03, 0x41, 0x44, 0x81 }, algorithms.Data);
    }

    [Fact]
    public async Task Malformed_or_foreign_requests_get_the_specs_completion_codes()
    {
        await using var bmc = await TestBmc.StartAsync();

        Assert.Equal(CompletionCode.RequestDataLengthInvalid, (await AskAsync(bmc, AppCommand.GetChannelAuthenticationCapabilities, [0x8E], false)).Cc);
        Assert.Equal(CompletionCode.InvalidDataFieldInRequest, (await AskAsync(bmc, AppCommand.GetChannelAuthenticationCapabilities, [0x85, 0x04], false)).Cc);
        Assert.Equal(CompletionCode.InvalidDataFieldInRequest, (await AskAsync(bmc, AppCommand.GetChannelAuthenticationCapabilities, [0x8E, 0x09], false)).Cc);
        Assert.Equal(CompletionCode.RequestDataLengthInvalid, (await AskAsync(bmc, AppCommand.GetChannelCipherSuites, [0x0E, 0x00], true)).Cc);
        Assert.Equal(CompletionCode.InvalidDataFieldInRequest, (await AskAsync(bmc, AppCommand.GetSessionChallenge, new byte[17], false)).Cc);

        // Commands that need a session are refused, not dropped.
        Assert.Equal(CompletionCode.InsufficientPrivilege, (await AskAsync(bmc, ChassisCommand.ChassisControl, [0x01], false, NetFn.Chassis)).Cc);
        Assert.Equal(CompletionCode.InsufficientPrivilege, (await AskAsync(bmc, AppCommand.GetDeviceId, [], true)).Cc);
        Assert.Empty(bmc.ControlRequests);
    }
}
