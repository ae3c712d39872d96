using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Sse2 = System.Runtime.Intrinsics.X86.Sse2;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Appliance.Ipmi.Crypto;

/// <summary>
/// AES-128 with the x86 AES instructions, for the per-packet CBC work: a call into the platform
/// cipher costs microseconds per packet, these instructions nanoseconds. Used only when
/// <see cref="IsSupported"/>; otherwise <see cref="SessionCrypto"/> uses the platform cipher.
/// </summary>
internal sealed class Aes128Ni
{
    private readonly Vector128<byte>[] _encrypt = new Vector128<byte>[11];
    private readonly Vector128<byte>[] _decrypt = new Vector128<byte>[11];

    public Aes128Ni(ReadOnlySpan<byte> key)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException();
        }

        var k = Vector128.Create(key[..16]);
        _encrypt[0] = k;
        _encrypt[1] = k = Expand(k, X86Aes.KeygenAssist(k, 0x01));
        _encrypt[2] = k = Expand(k, X86Aes.KeygenAssist(k, 0x02));
        _encrypt[3] = k = Expand(k, X86Aes.KeygenAssist(k, 0x04));
        _encrypt[4] = k = Expand(k, X86Aes.KeygenAssist(k, 0x08));
        _encrypt[5] = k = Expand(k, X86Aes.KeygenAssist(k, 0x10));
        _encrypt[6] = k = Expand(k, X86Aes.KeygenAssist(k, 0x20));
        _encrypt[7] = k = Expand(k, X86Aes.KeygenAssist(k, 0x40));
        _encrypt[8] = k = Expand(k, X86Aes.KeygenAssist(k, 0x80));
        _encrypt[9] = k = Expand(k, X86Aes.KeygenAssist(k, 0x1B));
        _encrypt[10] = Expand(k, X86Aes.KeygenAssist(k, 0x36));

        // The equivalent inverse cipher: reversed round keys, inner ones through InvMixColumns.
        _decrypt[0] = _encrypt[10];
        for (int i = 1; i < 10; i++)
        {
            _decrypt[i] = X86Aes.InverseMixColumns(_encrypt[10 - i]);
        }

        _decrypt[10] = _encrypt[0];
    }

    public static bool IsSupported => X86Aes.IsSupported && Sse2.IsSupported;

    /// <summary>CBC-encrypts whole blocks; <paramref name="data"/> may be the same memory as <paramref name="destination"/>.</summary>
    public void EncryptCbc(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var previous = Vector128.Create(iv[..16]);
        for (int offset = 0; offset < data.Length; offset += 16)
        {
            previous = EncryptBlock(Vector128.Create(data.Slice(offset, 16)) ^ previous);
            previous.CopyTo(destination.Slice(offset, 16));
        }
    }

    /// <summary>CBC-decrypts whole blocks; <paramref name="data"/> may be the same memory as <paramref name="destination"/>.</summary>
    public void DecryptCbc(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var previous = Vector128.Create(iv[..16]);
        for (int offset = 0; offset < data.Length; offset += 16)
        {
            var cipher = Vector128.Create(data.Slice(offset, 16));
            (DecryptBlock(cipher) ^ previous).CopyTo(destination.Slice(offset, 16));
            previous = cipher;
        }
    }

    public void Clear()
    {
        Array.Clear(_encrypt);
        Array.Clear(_decrypt);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        var keys = _encrypt;
        block ^= keys[0];
        for (int i = 1; i < 10; i++)
        {
            block = X86Aes.Encrypt(block, keys[i]);
        }

        return X86Aes.EncryptLast(block, keys[10]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<byte> DecryptBlock(Vector128<byte> block)
    {
        var keys = _decrypt;
        block ^= keys[0];
        for (int i = 1; i < 10; i++)
        {
            block = X86Aes.Decrypt(block, keys[i]);
        }

        return X86Aes.DecryptLast(block, keys[10]);
    }

    private static Vector128<byte> Expand(Vector128<byte> key, Vector128<byte> assist)
    {
        assist = Sse2.Shuffle(assist.AsInt32(), 0xFF).AsByte();
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ assist;
    }
}
