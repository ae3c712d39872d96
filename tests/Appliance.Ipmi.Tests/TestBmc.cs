using System.Collections.Concurrent;
using System.Net;
using Appliance.Ipmi.Client;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.Server;

namespace Appliance.Ipmi.Tests;

/// <summary>
/// An IpmiServer on 127.0.0.1 with a port of its own and a small command table: Get Device ID,
/// Get Chassis Status and a Chassis Control that records what it was asked and switches power.
/// </summary>
public sealed class TestBmc : IAsyncDisposable
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "s3cret-Pass";
    public const string OperatorUser = "oper";
    public const string OperatorPassword = "op-pass-1";
    public const string ReadOnlyUser = "viewer";
    public const string ReadOnlyPassword = "view-pass";

    public static readonly Guid SystemGuid = Guid.Parse("6f1b2a3c-4d5e-4f60-8172-8394a5b6c7d8");

    public static readonly DeviceId Device = new(
        DeviceIdNumber: 0x20, DeviceRevision: 1, ProvidesDeviceSdrs: true, FirmwareMajor: 3, FirmwareMinor: 14,
        DeviceAvailable: true, IpmiVersion: 0x02, AdditionalDeviceSupport: 0xBF, ManufacturerId: 0xC0FFE, ProductId: 0x0A11,
        AuxiliaryFirmwareRevision: 0x01020304);

    private TestBmc(IpmiServer server, TestUserDirectory users)
    {
        Server = server;
        Users = users;
    }

    public IpmiServer Server { get; }

    public TestUserDirectory Users { get; }

    public ConcurrentQueue<ChassisControl> ControlRequests { get; } = new();

    public volatile bool PowerOn;

    /// <summary>When set, Chassis Control records its request and then waits for this, as a slow power sequence would.</summary>
    public volatile TaskCompletionSource? HoldControl;

    public volatile bool FrontPanelLockout = true;

    public int Port => Server.LocalEndPoint.Port;

    public IPEndPoint EndPoint => Server.LocalEndPoint;

    /// <summary>A console for this BMC, logging in as <paramref name="user"/> (the administrator by default).</summary>
    public IpmiClient Client(string user = AdminUser, string password = AdminPassword, PrivilegeLevel privilege = PrivilegeLevel.Administrator,
        TimeSpan? timeout = null, int retries = 2, CipherSuiteId suite = CipherSuiteId.Id17, byte[]? kg = null) => new(new IpmiClientOptions
    {
        Host = "127.0.0.1",
        Port = Port,
        UserName = user,
        Password = password,
        CipherSuite = suite,
        Kg = kg,
        Privilege = privilege,
        Timeout = timeout ?? TimeSpan.FromMilliseconds(500),
        Retries = retries,
    });

    public static async Task<TestBmc> StartAsync(Action<IpmiServerOptions>? configure = null, TestUserDirectory? users = null)
    {
        users ??= new TestUserDirectory();
        users.Add(2, AdminUser, AdminPassword, PrivilegeLevel.Administrator)
             .Add(3, OperatorUser, OperatorPassword, PrivilegeLevel.Operator)
             .Add(4, ReadOnlyUser, ReadOnlyPassword, PrivilegeLevel.User);
        var options = new IpmiServerOptions
        {
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ChannelNumber = 1,
            SystemGuid = SystemGuid,
        };
        configure?.Invoke(options);

        var table = new IpmiCommandTable();
        TestBmc? bmc = null;
        var server = new IpmiServer(options, table, users);
        bmc = new TestBmc(server, users);
        table.Register(NetFn.App, AppCommand.GetDeviceId, PrivilegeLevel.User, (_, _, _) => new(IpmiResponse.Ok(Device.Encode())));
        table.Register(NetFn.Chassis, ChassisCommand.GetChassisStatus, PrivilegeLevel.User, (_, _, _) => new(IpmiResponse.Ok(bmc.CurrentStatus().Encode())));
        table.Register(NetFn.Chassis, ChassisCommand.ChassisControl, PrivilegeLevel.Operator, async (request, _, ct) =>
        {
            if (!ChassisControlCodec.TryDecode(request.Span, out var action, out byte cc))
            {
                return IpmiResponse.Error(cc);
            }

            await Task.Yield(); // answer from another thread, as a real power state machine would
            bmc.ControlRequests.Enqueue(action);
            if (bmc.HoldControl is { } hold)
            {
                await hold.Task.WaitAsync(ct);
            }

            bmc.PowerOn = action switch
            {
                ChassisControl.PowerUp or ChassisControl.PowerCycle or ChassisControl.HardReset => true,
                ChassisControl.PowerDown or ChassisControl.SoftShutdown => false,
                _ => bmc.PowerOn,
            };
            return IpmiResponse.Ok();
        });
        await server.StartAsync();
        return bmc;
    }

    public ChassisStatus CurrentStatus() => new(
        PowerOn: PowerOn, PowerOverload: false, PowerInterlock: false, PowerFault: false, PowerControlFault: false,
        RestorePolicy: PowerRestorePolicy.RestorePrevious, LastPowerEvent: LastPowerEvent.PowerOnViaIpmiCommand,
        ChassisIntrusion: false, FrontPanelLockout: FrontPanelLockout, DriveFault: false, CoolingFault: true,
        IdentifyState: ChassisIdentifyState.Off);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
