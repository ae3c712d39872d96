using System.Net;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.Crypto;
using Appliance.Ipmi.Session;

namespace Appliance.Ipmi.Tests;

/// <summary>The pieces below the wire: sequence window, dispatch rules, shared codecs, session crypto.</summary>
public sealed class CodecTests
{
    [Fact]
    public void Sequence_window_accepts_each_number_once_within_16_either_side()
    {
        var window = new SequenceWindow();
        Assert.False(window.TryAccept(0));   // 0 marks unauthenticated packets
        Assert.True(window.TryAccept(100));
        Assert.False(window.TryAccept(100)); // replay
        Assert.True(window.TryAccept(116));  // 16 ahead
        Assert.False(window.TryAccept(133)); // 17 ahead
        Assert.True(window.TryAccept(101));  // late, inside the window, not seen yet
        Assert.False(window.TryAccept(101)); // late replay
        Assert.False(window.TryAccept(100)); // seen, 16 behind
        Assert.False(window.TryAccept(99));  // 17 behind: too old
    }

    [Fact]
    public void Sequence_window_follows_the_counter_across_wrap_around()
    {
        var window = new SequenceWindow();
        Assert.True(window.TryAccept(uint.MaxValue - 1));
        Assert.True(window.TryAccept(uint.MaxValue));
        Assert.True(window.TryAccept(1));
        Assert.False(window.TryAccept(uint.MaxValue));
        Assert.True(window.TryAccept(2));
    }

    [Fact]
    public async Task Command_table_checks_privilege_and_turns_failures_into_completion_codes()
    {
        var table = new IpmiCommandTable();
        int calls = 0;
        table.Register(NetFn.Chassis, 0x02, PrivilegeLevel.Operator, (_, _, _) => { calls++; return new(IpmiResponse.Ok([0x42])); });
        table.Register(NetFn.Chassis, 0x03, PrivilegeLevel.User, (_, _, _) => throw new InvalidOperationException("boom"));
        table.Register(NetFn.Chassis, 0x04, PrivilegeLevel.User, async (_, _, _) => { await Task.Yield(); throw new InvalidOperationException("boom"); });
        var user = new IpmiCallContext(1, 2, "u", PrivilegeLevel.User, PrivilegeLevel.Administrator, 1, new IPEndPoint(IPAddress.Loopback, 1));
        var oper = new IpmiCallContext(1, 2, "u", PrivilegeLevel.Operator, PrivilegeLevel.Administrator, 1, new IPEndPoint(IPAddress.Loopback, 1));

        Assert.Equal(CompletionCode.InsufficientPrivilege, (await table.DispatchAsync(new IpmiRequest(NetFn.Chassis, 0x02, default), user, default)).CompletionCode);
        Assert.Equal(0, calls);
        var ok = await table.DispatchAsync(new IpmiRequest(NetFn.Chassis, 0x02, default), oper, default);
        Assert.True(ok.IsSuccess);
        Assert.Equal(new byte[] { 0x42 }, ok.Data.ToArray());
        Assert.Equal(CompletionCode.InvalidCommand, (await table.DispatchAsync(new IpmiRequest(NetFn.Storage, 0x02, default), oper, default)).CompletionCode);
        Assert.Equal(CompletionCode.Unspecified, (await table.DispatchAsync(new IpmiRequest(NetFn.Chassis, 0x03, default), oper, default)).CompletionCode);
        Assert.Equal(CompletionCode.Unspecified, (await table.DispatchAsync(new IpmiRequest(NetFn.Chassis, 0x04, default), oper, default)).CompletionCode);
        Assert.Equal(2, table.HandlerFailures);
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Register((NetFn)0x07, 0, PrivilegeLevel.User, (_, _, _) => default));
    }

    [Fact]
    public void Chassis_status_round_trips_through_its_wire_form()
    {
        var status = new ChassisStatus(true, false, true, false, true, PowerRestorePolicy.AlwaysOn, LastPowerEvent.PowerFault | LastPowerEvent.AcFailed,
            ChassisIntrusion: true, FrontPanelLockout: true, DriveFault: false, CoolingFault: true, IdentifyState: ChassisIdentifyState.IndefiniteOn, FrontPanelButtonCapabilities: 0x11);

        var bytes = status.Encode();

        Assert.Equal(new byte[] { 0x55, 0x09, 0x6B, 0x11 }, bytes);
        Assert.True(ChassisStatus.TryDecode(bytes, out var decoded));
        Assert.Equal(status, decoded);
        Assert.True(ChassisStatus.TryDecode([0x00, 0x00, 0x00], out var minimal));
        Assert.Null(minimal!.IdentifyState); // bit 6 clear: identify state not reported
        Assert.False(ChassisStatus.TryDecode([0x00, 0x00], out _));
    }

    [Fact]
    public void Device_id_round_trips_and_encodes_firmware_minor_as_bcd()
    {
        var bytes = TestBmc.Device.Encode();

        Assert.Equal(0x14, bytes[3]); // 14 in BCD
        Assert.True(DeviceId.TryDecode(bytes, out var decoded));
        Assert.Equal(TestBmc.Device, decoded);
    }

    [Fact]
    public void Chassis_control_codec_names_the_completion_code_for_bad_requests()
    {
        Assert.True(ChassisControlCodec.TryDecode([0x05], out var action, out _));
        Assert.Equal(ChassisControl.SoftShutdown, action);
        Assert.False(ChassisControlCodec.TryDecode([], out _, out byte cc1));
        Assert.Equal(CompletionCode.RequestDataLengthInvalid, cc1);
        Assert.False(ChassisControlCodec.TryDecode([0x06], out _, out byte cc2));
        Assert.Equal(CompletionCode.InvalidDataFieldInRequest, cc2);
    }

    [Theory]
    [InlineData("SHA1")]
    [InlineData("SHA256")]
    public void Managed_hmac_agrees_with_the_platform_hmac_for_every_key_and_message_length(string hash)
    {
        var name = new System.Security.Cryptography.HashAlgorithmName(hash);
        byte[] expected = new byte[32];
        byte[] actual = new byte[32];
        foreach (int keyLength in new[] { 0, 1, 16, 20, 32, 63, 64, 65, 100 })
        {
            byte[] key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(keyLength);
            var keyed = new ManagedHmac(name, key);
            for (int dataLength = 0; dataLength <= 200; dataLength++)
            {
                byte[] data = System.Security.Cryptography.RandomNumberGenerator.GetBytes(dataLength);
                int n = hash == "SHA1"
                    ? System.Security.Cryptography.HMACSHA1.HashData(key, data, expected)
                    : System.Security.Cryptography.HMACSHA256.HashData(key, data, expected);
                Assert.Equal(n, ManagedHmac.HashData(name, key, data, actual));
                Assert.True(expected.AsSpan(0, n).SequenceEqual(actual.AsSpan(0, n)), $"key {keyLength} bytes, data {dataLength} bytes");
                Array.Clear(actual);
                Assert.Equal(n, keyed.Compute(data, actual));
                Assert.True(expected.AsSpan(0, n).SequenceEqual(actual.AsSpan(0, n)), $"keyed: key {keyLength} bytes, data {dataLength} bytes");
            }
        }
    }

    [Fact]
    public void Libcryptos_block_functions_and_the_managed_ones_compute_the_same_states()
    {
        // The HMAC test above runs whichever path this machine takes; this one holds the other to the same answers.
        Assert.True(ShaBlocks.IsNative, "libcrypto.so.3 (libssl3) is not loaded: session setup would run the managed loops");
        var random = new Random(17);
        byte[] block = new byte[64];
        for (int round = 0; round < 1000; round++)
        {
            random.NextBytes(block);
            uint[] start = [.. Enumerable.Range(0, 8).Select(_ => (uint)random.NextInt64(0, 1L << 32))];
            uint[] native = start[..5], managed = start[..5];
            ShaBlocks.Sha1Native(native, block);
            ShaBlocks.Sha1Managed(managed, block);
            Assert.Equal(managed, native);
            native = start[..8];
            managed = start[..8];
            ShaBlocks.Sha256Native(native, block);
            ShaBlocks.Sha256Managed(managed, block);
            Assert.Equal(managed, native);
        }
    }

    [Theory]
    [InlineData(CipherSuiteId.Id3, 0)]
    [InlineData(CipherSuiteId.Id3, 15)]
    [InlineData(CipherSuiteId.Id17, 16)]
    [InlineData(CipherSuiteId.Id17, 200)]
    public void Session_crypto_round_trips_and_rejects_tampering(CipherSuiteId id, int length)
    {
        var suite = CipherSuite.FromId(id);
        byte[] sik = new byte[suite.RakpAuthCodeLength];
        Random.Shared.NextBytes(sik);
        using var sender = new SessionCrypto(suite, sik);
        using var receiver = new SessionCrypto(suite, sik);
        byte[] plain = new byte[length];
        Random.Shared.NextBytes(plain);
        byte[] encrypted = new byte[SessionCrypto.EncryptedLength(length)];

        Assert.Equal(encrypted.Length, sender.Encrypt(plain, encrypted));
        Assert.Equal(0, encrypted.Length % 16);
        byte[] decrypted = new byte[encrypted.Length];
        Assert.True(receiver.TryDecrypt(encrypted, decrypted, out int n));
        Assert.Equal(plain, decrypted[..n]);

        byte[] mac = new byte[suite.IntegrityAuthCodeLength];
        sender.ComputeAuthCode(encrypted, mac);
        Assert.True(receiver.VerifyAuthCode(encrypted, mac));
        encrypted[^1] ^= 1;
        Assert.False(receiver.VerifyAuthCode(encrypted, mac));
    }

    [Fact]
    public void Every_encrypted_payload_has_an_iv_of_its_own()
    {
        // Two sessions encrypting on two threads, past several refills of the random pool.
        var suite = CipherSuite.FromId(CipherSuiteId.Id17);
        byte[] sik = System.Security.Cryptography.RandomNumberGenerator.GetBytes(suite.RakpAuthCodeLength);
        var ivs = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        int repeats = 0;
        Parallel.For(0, 2, _ =>
        {
            using var crypto = new SessionCrypto(suite, sik);
            byte[] encrypted = new byte[SessionCrypto.EncryptedLength(8)];
            for (int i = 0; i < 1000; i++)
            {
                crypto.Encrypt(new byte[8], encrypted);
                if (!ivs.TryAdd(Convert.ToHexString(encrypted, 0, 16), true))
                {
                    Interlocked.Increment(ref repeats);
                }
            }
        });

        Assert.Equal(0, repeats);
        Assert.Equal(2000, ivs.Count);
    }

    [Fact]
    public void Aes_instructions_match_fips_197_and_the_platform_cipher()
    {
        Assert.True(Aes128Ni.IsSupported, "this machine has AES instructions; the fast path must be tested");
        byte[] key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        var aes = new Aes128Ni(key);
        byte[] block = Convert.FromHexString("00112233445566778899aabbccddeeff");
        byte[] cipher = new byte[16];
        aes.EncryptCbc(new byte[16], block, cipher); // one block with a zero IV is plain AES
        Assert.Equal("69C4E0D86A7B0430D8CDB78070B4C55A", Convert.ToHexString(cipher));

        using var platform = System.Security.Cryptography.Aes.Create();
        for (int i = 0; i < 50; i++)
        {
            platform.Key = key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
            aes = new Aes128Ni(key);
            byte[] iv = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
            byte[] data = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16 * (1 + (i % 8)));
            byte[] mine = new byte[data.Length];
            aes.EncryptCbc(iv, data, mine);
            Assert.Equal(platform.EncryptCbc(data, iv, System.Security.Cryptography.PaddingMode.None), mine);
            byte[] back = new byte[data.Length];
            aes.DecryptCbc(iv, mine, back);
            Assert.Equal(data, back);
        }
    }

    [Theory]
    [InlineData(CipherSuiteId.Id3)]
    [InlineData(CipherSuiteId.Id17)]
    public void The_platform_and_instruction_aes_paths_decrypt_each_others_payloads(CipherSuiteId id)
    {
        var suite = CipherSuite.FromId(id);
        byte[] sik = System.Security.Cryptography.RandomNumberGenerator.GetBytes(suite.RakpAuthCodeLength);
        using var fast = new SessionCrypto(suite, sik);
        using var platform = new SessionCrypto(suite, sik, usePlatformAes: true);
        for (int length = 0; length < 100; length += 7)
        {
            byte[] plain = System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);
            byte[] a = new byte[SessionCrypto.EncryptedLength(length)];
            byte[] b = new byte[a.Length];
            fast.Encrypt(plain, a);
            platform.Encrypt(plain, b);
            byte[] out1 = new byte[a.Length];
            byte[] out2 = new byte[a.Length];
            Assert.True(platform.TryDecrypt(a, out1, out int n1));
            Assert.True(fast.TryDecrypt(b, out2, out int n2));
            Assert.Equal(plain, out1[..n1]);
            Assert.Equal(plain, out2[..n2]);
        }
    }
}
