using System.Net;
using System.Runtime.InteropServices;
using Appliance.Ipmi.Client;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.SystemInterface;

namespace Appliance.Ipmi.Tests;

/// <summary>
/// The host's system interface client against the board's socket (a test double that speaks the
/// framing), the typed in-band commands the cluster relies on, and the kernel driver's ABI.
/// </summary>
public sealed class SystemInterfaceTests
{
    [Fact]
    public async Task A_request_is_framed_as_length_and_kcs_message_and_the_answer_decoded()
    {
        await using var board = new BoardSocketResponder { Answer = r => BoardSocketResponder.Ok(r, 0x20, 0x01) };
        using var sysif = new SocketSystemInterface(board.Path);

        IpmiResponse response = await sysif.SendAsync(NetFn.App, 0, AppCommand.GetDeviceId, ReadOnlyMemory<byte>.Empty);

        Assert.True(response.IsSuccess);
        Assert.Equal(new byte[] { 0x20, 0x01 }, response.Data.ToArray());
        Assert.Equal(new byte[] { 0x18, 0x01 }, Assert.Single(board.Requests)); // NetFn 06h << 2 | LUN 0, Cmd 01h
    }

    [Fact]
    public async Task The_lun_travels_in_the_netfn_byte_and_an_error_completion_code_comes_back_as_is()
    {
        await using var board = new BoardSocketResponder { Answer = r => [(byte)(r[0] + 4), r[1], CompletionCode.InvalidCommand] };
        using var sysif = new SocketSystemInterface(board.Path);

        IpmiResponse response = await sysif.SendAsync(NetFn.Storage, 2, 0x40, new byte[] { 0xAA });

        Assert.Equal(CompletionCode.InvalidCommand, response.CompletionCode);
        Assert.Equal(new byte[] { (0x0A << 2) | 2, 0x40, 0xAA }, Assert.Single(board.Requests));
    }

    [Fact]
    public async Task Concurrent_callers_keep_one_request_in_flight_on_the_connection()
    {
        await using var board = new BoardSocketResponder
        {
            Delay = TimeSpan.FromMilliseconds(40),
            Answer = r => BoardSocketResponder.Ok(r, r[2]), // echo the request's first data byte
        };
        using var sysif = new SocketSystemInterface(board.Path);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            sysif.SendAsync(NetFn.App, 0, AppCommand.GetUserName, new[] { (byte)i })));

        Assert.Equal(Enumerable.Range(0, 6).Select(i => (byte)i), answers.Select(a => a.Data.Span[0]));
        Assert.False(board.SawOverlappingRequests, "a second request arrived before the first was answered");
        Assert.Equal(6, board.Requests.Count);
        Assert.Equal(1, board.Connections);
    }

    [Fact]
    public async Task A_request_the_board_never_answers_times_out_and_the_next_one_gets_its_own_answer()
    {
        int calls = 0;
        await using var board = new BoardSocketResponder
        {
            Answer = r => Interlocked.Increment(ref calls) == 1 ? null : BoardSocketResponder.Ok(r, r[1]),
        };
        using var sysif = new SocketSystemInterface(board.Path, TimeSpan.FromMilliseconds(300));

        var timeout = await Assert.ThrowsAsync<IpmiTimeoutException>(() => sysif.SendAsync(NetFn.App, 0, AppCommand.GetDeviceId, ReadOnlyMemory<byte>.Empty));
        Assert.Contains(board.Path, timeout.Message);

        IpmiResponse next = await sysif.SendAsync(NetFn.App, 0, AppCommand.GetUserName, new byte[] { 2 });
        Assert.Equal(AppCommand.GetUserName, next.Data.Span[0]);
        Assert.Equal(2, board.Connections); // the silent connection was dropped, so a late answer cannot be misread
    }

    [Fact]
    public async Task An_answer_to_another_command_is_refused()
    {
        await using var board = new BoardSocketResponder { Answer = r => [(byte)(r[0] + 4), (byte)(r[1] + 1), 0x00] };
        using var sysif = new SocketSystemInterface(board.Path);

        var e = await Assert.ThrowsAsync<IpmiException>(() => sysif.SendAsync(NetFn.App, 0, AppCommand.GetDeviceId, ReadOnlyMemory<byte>.Empty));
        Assert.Contains("Cmd 02h", e.Message);
    }

    [Fact]
    public async Task A_missing_socket_is_named_in_the_error()
    {
        using var sysif = new SocketSystemInterface("/nonexistent/ipmi0.sock");
        var e = await Assert.ThrowsAsync<IpmiException>(() => sysif.SendAsync(NetFn.App, 0, AppCommand.GetDeviceId, ReadOnlyMemory<byte>.Empty));
        Assert.Contains("/nonexistent/ipmi0.sock", e.Message);
    }

    [Fact]
    public async Task Get_cluster_join_reads_the_token_and_address()
    {
        const string token = "abc123.0123456789abcdef.abcdefghijklmnopqrstuvwxyz";
        const string address = "10.77.0.1:7443";
        byte[] data = [(byte)token.Length, .. System.Text.Encoding.ASCII.GetBytes(token), (byte)address.Length, .. System.Text.Encoding.ASCII.GetBytes(address)];
        await using var board = new BoardSocketResponder { Answer = r => BoardSocketResponder.Ok(r, data) };
        using var sysif = new SocketSystemInterface(board.Path);

        ClusterJoin join = await sysif.GetClusterJoinAsync();

        Assert.Equal(new ClusterJoin(token, address), join);
        Assert.Equal(new byte[] { 0x30 << 2, 0x71 }, Assert.Single(board.Requests));
    }

    [Fact]
    public async Task Get_cluster_join_with_nothing_set_reads_as_nulls_and_bad_lengths_are_refused()
    {
        await using var board = new BoardSocketResponder { Answer = r => BoardSocketResponder.Ok(r, 0, 0) };
        using var sysif = new SocketSystemInterface(board.Path);
        Assert.Equal(new ClusterJoin(null, null), await sysif.GetClusterJoinAsync());

        board.Answer = r => BoardSocketResponder.Ok(r, 5, (byte)'a', (byte)'b');
        await Assert.ThrowsAsync<IpmiException>(() => sysif.GetClusterJoinAsync());
    }

    [Fact]
    public async Task Report_cluster_membership_sends_state_three_strings_and_the_host_address()
    {
        await using var board = new BoardSocketResponder();
        using var sysif = new SocketSystemInterface(board.Path);

        await sysif.ReportClusterMembershipAsync(new ClusterMembershipReport(
            ClusterMembershipState.Refused, "lab", "n1", "token expired", IPAddress.Parse("10.77.0.1")));

        byte[] request = Assert.Single(board.Requests);
        Assert.Equal(
            [0x30 << 2, 0x73, 0x03, 3, (byte)'l', (byte)'a', (byte)'b', 2, (byte)'n', (byte)'1', 13, .. "token expired"u8.ToArray(), 10, 77, 0, 1],
            request);
    }

    [Fact]
    public void A_long_refusal_message_is_cut_so_the_report_fits_the_driver()
    {
        byte[] request = ClusterJoinCommands.EncodeReport(new ClusterMembershipReport(
            ClusterMembershipState.Refused, "lab", "n1", new string('x', 400), IPAddress.Any));
        Assert.True(request.Length + 2 <= KcsMessage.MaxLength, $"{request.Length} bytes");
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, request[^4..]);
    }

    [Fact]
    public async Task User_commands_use_the_spec_layouts()
    {
        await using var board = new BoardSocketResponder
        {
            Answer = r => r[1] switch
            {
                AppCommand.GetUserAccess => BoardSocketResponder.Ok(r, 0x0F, 0x42, 0x01, 0x13),
                AppCommand.GetUserName => BoardSocketResponder.Ok(r, [.. "admin"u8.ToArray(), .. new byte[11]]),
                _ => BoardSocketResponder.Ok(r),
            },
        };
        using var sysif = new SocketSystemInterface(board.Path);

        Assert.Equal(new UserAccess(15, 2, true, PrivilegeLevel.Operator), await sysif.GetUserAccessAsync(1, 3));
        Assert.Equal("admin", await sysif.GetUserNameAsync(2));
        await sysif.SetUserNameAsync(5, "appliance");
        await sysif.SetUserPasswordAsync(5, "pw-12345678");
        await sysif.SetUserAccessAsync(1, 5, PrivilegeLevel.Operator, ipmiMessaging: true);
        await sysif.SetUserEnabledAsync(5, true);

        byte[][] sent = [.. board.Requests];
        Assert.Equal(new byte[] { 0x18, 0x44, 0x01, 0x03 }, sent[0]);
        Assert.Equal(new byte[] { 0x18, 0x46, 0x02 }, sent[1]);
        Assert.Equal([0x18, 0x45, 0x05, .. "appliance"u8.ToArray(), .. new byte[7]], sent[2]);
        Assert.Equal([0x18, 0x47, 0x85, 0x02, .. "pw-12345678"u8.ToArray(), .. new byte[9]], sent[3]); // 20-byte form
        Assert.Equal(new byte[] { 0x18, 0x43, 0x91, 0x05, 0x03 }, sent[4]);
        Assert.Equal(new byte[] { 0x18, 0x47, 0x05, 0x01 }, sent[5]);
    }

    [Fact]
    public async Task A_refused_user_command_throws_with_its_completion_code()
    {
        await using var board = new BoardSocketResponder { Answer = r => [(byte)(r[0] + 4), r[1], CompletionCode.OutOfSpace] };
        using var sysif = new SocketSystemInterface(board.Path);

        var e = await Assert.ThrowsAsync<IpmiCompletionCodeException>(() => sysif.SetUserNameAsync(5, "appliance"));
        Assert.Equal(CompletionCode.OutOfSpace, e.CompletionCode);
    }

    [Fact]
    public async Task Lan_parameter_3_gives_the_bmc_address_and_the_lan_channel_is_found_by_its_medium()
    {
        await using var board = new BoardSocketResponder
        {
            Answer = r => (r[0] >> 2, r[1]) switch
            {
                (0x0C, 0x02) => BoardSocketResponder.Ok(r, 0x11, 10, 77, 0, 101),
                (0x06, 0x42) when r[2] == 1 => BoardSocketResponder.Ok(r, 1, 0x04, 0x01, 0x80, 0xF2, 0x1B, 0x00, 0, 0),
                (0x06, 0x42) => [(byte)(r[0] + 4), r[1], CompletionCode.InvalidDataFieldInRequest],
                _ => BoardSocketResponder.Ok(r),
            },
        };
        using var sysif = new SocketSystemInterface(board.Path);

        Assert.Equal(1, await sysif.FindLanChannelAsync());
        Assert.Equal(IPAddress.Parse("10.77.0.101"), await sysif.GetIpAddressAsync(1));
        Assert.Equal(new byte[] { 0x30, 0x02, 0x01, 0x03, 0x00, 0x00 }, board.Requests.Last());
    }

    [Fact]
    public async Task The_kernel_interface_names_a_device_it_cannot_open()
    {
        using var sysif = new KernelSystemInterface("/nonexistent/ipmi0");
        var e = await Assert.ThrowsAsync<IpmiException>(() => sysif.SendAsync(NetFn.App, 0, AppCommand.GetDeviceId, ReadOnlyMemory<byte>.Empty));
        Assert.Contains("open /nonexistent/ipmi0 failed", e.Message);
        Assert.Contains("No such file or directory", e.Message);
    }

    [Fact]
    public unsafe void The_kernel_structs_and_ioctl_numbers_match_linux_ipmi_h()
    {
        // include/uapi/linux/ipmi.h as built for this machine's word size.
        if (IntPtr.Size == 8)
        {
            Assert.Equal(40, sizeof(KernelIpmiAbi.IpmiReq));
            Assert.Equal(48, sizeof(KernelIpmiAbi.IpmiRecv));
            Assert.Equal(0x8028690Du, KernelIpmiAbi.SendCommand);
            Assert.Equal(0xC030690Bu, KernelIpmiAbi.ReceiveMessageTruncate);
            Assert.Equal(24, (int)Marshal.OffsetOf<KernelIpmiAbi.IpmiReq>(nameof(KernelIpmiAbi.IpmiReq.Msg)));
            Assert.Equal(32, (int)Marshal.OffsetOf<KernelIpmiAbi.IpmiRecv>(nameof(KernelIpmiAbi.IpmiRecv.Msg)));
            Assert.Equal(8, (int)Marshal.OffsetOf<KernelIpmiAbi.IpmiMsg>(nameof(KernelIpmiAbi.IpmiMsg.Data)));
        }
        else
        {
            Assert.Equal(20, sizeof(KernelIpmiAbi.IpmiReq));
            Assert.Equal(24, sizeof(KernelIpmiAbi.IpmiRecv));
            Assert.Equal(0x8014690Du, KernelIpmiAbi.SendCommand);
            Assert.Equal(0xC018690Bu, KernelIpmiAbi.ReceiveMessageTruncate);
        }

        Assert.Equal(8, sizeof(KernelIpmiAbi.SystemInterfaceAddr));
        Assert.Equal(4, (int)Marshal.OffsetOf<KernelIpmiAbi.SystemInterfaceAddr>(nameof(KernelIpmiAbi.SystemInterfaceAddr.Channel)));
        Assert.Equal(6, (int)Marshal.OffsetOf<KernelIpmiAbi.SystemInterfaceAddr>(nameof(KernelIpmiAbi.SystemInterfaceAddr.Lun)));
    }
}
