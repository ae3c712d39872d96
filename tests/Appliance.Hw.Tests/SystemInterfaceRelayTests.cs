using System.Buffers.Binary;
using System.Net.Sockets;
using Appliance.Hw.Boards;
using Appliance.Hw.Remote;
using Appliance.Hw.Sim;
using Appliance.Hw.Sim.Remote;
using Appliance.Hw.SystemInterface;

namespace Appliance.Hw.Tests;

/// <summary>
/// The board's KCS wiring: the host's requests on its /dev/ipmi0 socket reach the BMC that attached
/// through the board protocol, and its answers come back; with no BMC answering, the host's request
/// times out as Linux's IPMI driver reports it. The BMC end here is a test responder speaking the
/// board protocol.
/// </summary>
public sealed class SystemInterfaceRelayTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly string _dir = Directory.CreateTempSubdirectory("kcs-").FullName;
    private SimBoard _sim = null!;
    private SystemInterfaceRelay _relay = null!;
    private BoardServer _server = null!;

    private string BoardSocket => Path.Combine(_dir, "board.sock");
    private string HostDevice => Path.Combine(_dir, "ipmi0.sock");

    public Task InitializeAsync()
    {
        _sim = new SimBoard(BoardFile.Load(Repo.Hc1), TimeProvider.System);
        _relay = new SystemInterfaceRelay(HostDevice, TimeSpan.FromMilliseconds(500));
        _server = new BoardServer(_sim, BoardSocket, _relay);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _relay.DisposeAsync();
        _sim.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_host_request_reaches_the_attached_bmc_and_its_answer_comes_back()
    {
        await using NetworkStream bmc = await AttachAsync();
        await using NetworkStream host = await ConnectAsync(HostDevice);

        // Get Device ID: NetFn App (06h) LUN 0, Cmd 01h.
        Task<byte[]> answer = RequestAsync(host, [0x06 << 2, 0x01]);
        (uint sequence, byte[] request) = await ReadRequestAsync(bmc);
        Assert.Equal(new byte[] { 0x18, 0x01 }, request);
        await RespondAsync(bmc, sequence, [0x1C, 0x01, 0x00, 0x20, 0x81]);

        Assert.Equal(new byte[] { 0x1C, 0x01, 0x00, 0x20, 0x81 }, await answer.WaitAsync(Limit));
    }

    [Fact]
    public async Task Requests_from_two_host_connections_are_matched_to_answers_given_in_any_order()
    {
        await using NetworkStream bmc = await AttachAsync();
        await using NetworkStream first = await ConnectAsync(HostDevice);
        await using NetworkStream second = await ConnectAsync(HostDevice);

        Task<byte[]> one = RequestAsync(first, [0x30 << 2, 0x71]);
        (uint s1, byte[] r1) = await ReadRequestAsync(bmc);
        Task<byte[]> two = RequestAsync(second, [0x00 << 2, 0x01]);
        (uint s2, byte[] r2) = await ReadRequestAsync(bmc);
        Assert.NotEqual(s1, s2);
        Assert.Equal((byte)0x71, r1[1]);
        Assert.Equal((byte)0x01, r2[1]);

        await RespondAsync(bmc, s2, [0x04, 0x01, 0x00, 0x41]);
        await RespondAsync(bmc, s1, [0xC4, 0x71, 0x00, 0x02, (byte)'a', (byte)'b']);

        Assert.Equal(new byte[] { 0xC4, 0x71, 0x00, 0x02, (byte)'a', (byte)'b' }, await one.WaitAsync(Limit));
        Assert.Equal(new byte[] { 0x04, 0x01, 0x00, 0x41 }, await two.WaitAsync(Limit));
    }

    [Fact]
    public async Task Without_a_bmc_the_host_request_times_out_with_completion_code_c3()
    {
        Assert.False(_relay.HasResponder);
        await using NetworkStream host = await ConnectAsync(HostDevice);

        byte[] answer = await RequestAsync(host, [(0x06 << 2) | 0x01, 0x01]).WaitAsync(Limit);
        Assert.Equal(new byte[] { (0x07 << 2) | 0x01, 0x01, SystemInterfaceRelay.TimeoutCompletionCode }, answer);
    }

    [Fact]
    public async Task A_bmc_that_went_away_answers_nothing_and_a_newer_attachment_takes_over()
    {
        NetworkStream gone = await AttachAsync();
        await gone.DisposeAsync();
        await using NetworkStream host = await ConnectAsync(HostDevice);
        Assert.Equal(SystemInterfaceRelay.TimeoutCompletionCode, (await RequestAsync(host, [0x18, 0x01]).WaitAsync(Limit))[2]);

        await using NetworkStream old = await AttachAsync();
        await using NetworkStream current = await AttachAsync();
        Task<byte[]> answer = RequestAsync(host, [0x18, 0x01]);
        (uint sequence, _) = await ReadRequestAsync(current);
        await RespondAsync(current, sequence, [0x1C, 0x01, 0x00]);
        Assert.Equal(new byte[] { 0x1C, 0x01, 0x00 }, await answer.WaitAsync(Limit));
    }

    [Theory]
    [InlineData(1)]                                      // not even NetFn and Cmd
    [InlineData(SystemInterfaceRelay.MaxMessage + 1)]    // more than the IPMI driver passes
    public async Task A_request_the_driver_would_refuse_ends_the_hosts_connection_and_reaches_no_bmc(int length)
    {
        await using NetworkStream bmc = await AttachAsync();
        await using NetworkStream host = await ConnectAsync(HostDevice);
        byte[] frame = new byte[4 + length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)length);
        frame[4] = 0x18;
        await host.WriteAsync(frame);

        int read;
        try
        {
            read = await host.ReadAsync(new byte[8]).AsTask().WaitAsync(Limit);
        }
        catch (IOException)
        {
            read = 0;   // closed with the request unread: a reset
        }

        Assert.Equal(0, read);
        Task<(byte, byte[])?> anything = BoardProtocol.ReadFrameAsync(bmc).AsTask();
        Assert.NotSame(anything, await Task.WhenAny(anything, Task.Delay(300)));
    }

    [Fact]
    public async Task A_board_without_a_system_interface_refuses_the_attachment()
    {
        string socket = Path.Combine(_dir, "bare.sock");
        await using var bare = new BoardServer(_sim, socket);
        await using NetworkStream bmc = await ConnectAsync(socket);
        await BoardProtocol.WriteFrameAsync(bmc, BoardProtocol.SystemInterface, ReadOnlyMemory<byte>.Empty);
        (byte status, byte[] message) = (await BoardProtocol.ReadFrameAsync(bmc).AsTask().WaitAsync(Limit))!.Value;

        Assert.Equal(BoardProtocol.BadRequest, status);
        Assert.Contains("no system interface", System.Text.Encoding.UTF8.GetString(message));
    }

    [Fact]
    public async Task The_bmcs_end_tells_a_listener_that_subscribed_after_it_was_opened_that_it_is_attached()
    {
        // The BMC opens the device while it builds its doors and subscribes when the door starts;
        // whatever time passes in between, the listener hears of the attachment.
        await using var device = new RemoteSystemInterface(BoardSocket);
        await Task.Delay(500);
        var attached = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        device.StateChanged += (usable, reason) =>
        {
            if (usable)
            {
                attached.TrySetResult(reason);
            }
        };
        using var stop = new CancellationTokenSource();
        Task<SystemInterfaceRequest> next = device.ReceiveAsync(stop.Token).AsTask();

        Assert.Equal("attached", await attached.Task.WaitAsync(Limit));

        // And it is the BMC's end: the host's request arrives through it, and its answer goes back.
        await using NetworkStream host = await ConnectAsync(HostDevice);
        Task<byte[]> answer = RequestAsync(host, [0x06 << 2, 0x01]);
        SystemInterfaceRequest request = await next.WaitAsync(Limit);
        Assert.Equal(new byte[] { 0x18, 0x01 }, request.Message);
        await device.RespondAsync(request, new byte[] { 0x1C, 0x01, 0x00, 0x20, 0x81 }, CancellationToken.None);
        Assert.Equal(new byte[] { 0x1C, 0x01, 0x00, 0x20, 0x81 }, await answer.WaitAsync(Limit));
    }

    private async Task<NetworkStream> AttachAsync()
    {
        NetworkStream bmc = await ConnectAsync(BoardSocket);
        await BoardProtocol.WriteFrameAsync(bmc, BoardProtocol.SystemInterface, ReadOnlyMemory<byte>.Empty);
        (byte status, _) = (await BoardProtocol.ReadFrameAsync(bmc).AsTask().WaitAsync(Limit))!.Value;
        Assert.Equal(BoardProtocol.Ok, status);
        return bmc;
    }

    private static async Task<(uint Sequence, byte[] Request)> ReadRequestAsync(NetworkStream bmc)
    {
        (byte code, byte[] payload) = (await BoardProtocol.ReadFrameAsync(bmc).AsTask().WaitAsync(Limit))!.Value;
        Assert.Equal(BoardProtocol.SystemInterface, code);
        return (BinaryPrimitives.ReadUInt32LittleEndian(payload), payload[4..]);
    }

    private static async Task RespondAsync(NetworkStream bmc, uint sequence, byte[] response)
    {
        byte[] payload = new byte[4 + response.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, sequence);
        response.CopyTo(payload, 4);
        await BoardProtocol.WriteFrameAsync(bmc, BoardProtocol.SystemInterface, payload);
    }

    // What the host side does with /dev/ipmi0: one framed request, then its framed response.
    private static async Task<byte[]> RequestAsync(NetworkStream host, byte[] request)
    {
        byte[] frame = new byte[4 + request.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)request.Length);
        request.CopyTo(frame, 4);
        await host.WriteAsync(frame);
        byte[] length = new byte[4];
        await host.ReadExactlyAsync(length);
        byte[] response = new byte[BinaryPrimitives.ReadUInt32LittleEndian(length)];
        await host.ReadExactlyAsync(response);
        return response;
    }

    private static async Task<NetworkStream> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        return new NetworkStream(socket, ownsSocket: true);
    }
}
