using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Appliance.Ipmi.Crypto;

/// <summary>
/// HMAC-SHA1 and HMAC-SHA256 (RFC 2104, FIPS 180-4) in managed code, for the short messages of
/// RMCP+: RAKP's authentication codes and keys, and every packet's integrity check. A call into
/// the platform's HMAC costs microseconds of provider look-ups and locking before it hashes the
/// few dozen bytes these messages have; here an HMAC is three or four compression rounds. The
/// key's inner and outer pads are hashed once, when the key is set, so a session's packets only
/// hash their own bytes. <c>CodecTests</c> checks it against the platform's HMAC.
/// </summary>
internal sealed class ManagedHmac
{
    private const int BlockLength = 64;
    private readonly bool _sha256;
    private readonly uint[] _inner;
    private readonly uint[] _outer;

    public ManagedHmac(HashAlgorithmName hash, ReadOnlySpan<byte> key)
    {
        _sha256 = hash == HashAlgorithmName.SHA256;
        if (!_sha256 && hash != HashAlgorithmName.SHA1)
        {
            throw new ArgumentException("SHA1 or SHA256 only", nameof(hash));
        }

        _inner = new uint[StateWords];
        _outer = new uint[StateWords];
        Span<byte> pad = stackalloc byte[BlockLength];
        Span<byte> hashedKey = stackalloc byte[32];

        // RFC 2104: a key longer than the block is replaced by its hash.
        ReadOnlySpan<byte> padded = key.Length <= BlockLength ? key
            : hashedKey[..(_sha256 ? SHA256.HashData(key, hashedKey) : SHA1.HashData(key, hashedKey))];
        Begin(_inner, pad, padded, 0x36);
        Begin(_outer, pad, padded, 0x5C);
        CryptographicOperations.ZeroMemory(pad);
        CryptographicOperations.ZeroMemory(hashedKey);
    }

    /// <summary>Length of the full HMAC: 20 bytes for SHA1, 32 for SHA256.</summary>
    public int HashLength => _sha256 ? 32 : 20;

    private int StateWords => _sha256 ? 8 : 5;

    /// <summary>One-shot HMAC; returns the bytes written to <paramref name="destination"/> (the full hash length).</summary>
    public static int HashData(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination) =>
        new ManagedHmac(hash, key).Compute(data, destination);

    /// <summary>Writes HMAC(key, data) to <paramref name="destination"/>; returns <see cref="HashLength"/>. Thread-safe.</summary>
    public int Compute(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<uint> state = stackalloc uint[8];
        Span<byte> innerHash = stackalloc byte[32];
        state = state[..StateWords];
        _inner.CopyTo(state);
        Finish(state, data, BlockLength, innerHash[..HashLength]);
        _outer.CopyTo(state);
        Finish(state, innerHash[..HashLength], BlockLength, destination[..HashLength]);
        return HashLength;
    }

    public void Clear()
    {
        Array.Clear(_inner);
        Array.Clear(_outer);
    }

    private void Begin(uint[] state, Span<byte> pad, ReadOnlySpan<byte> key, byte fill)
    {
        pad.Fill(fill);
        for (int i = 0; i < key.Length; i++)
        {
            pad[i] ^= key[i];
        }

        Initial(state);
        Compress(state, pad);
    }

    private void Initial(Span<uint> state)
    {
        if (_sha256)
        {
            state[0] = 0x6A09E667; state[1] = 0xBB67AE85; state[2] = 0x3C6EF372; state[3] = 0xA54FF53A;
            state[4] = 0x510E527F; state[5] = 0x9B05688C; state[6] = 0x1F83D9AB; state[7] = 0x5BE0CD19;
        }
        else
        {
            state[0] = 0x67452301; state[1] = 0xEFCDAB89; state[2] = 0x98BADCFE; state[3] = 0x10325476; state[4] = 0xC3D2E1F0;
        }
    }

    /// <summary>Hashes <paramref name="data"/> onward from a state that has already taken <paramref name="prefixLength"/> bytes.</summary>
    private void Finish(Span<uint> state, ReadOnlySpan<byte> data, int prefixLength, Span<byte> destination)
    {
        long bits = (prefixLength + (long)data.Length) * 8;
        while (data.Length >= BlockLength)
        {
            Compress(state, data[..BlockLength]);
            data = data[BlockLength..];
        }

        // The last block(s): the rest, 80h, zeros, and the message length in bits.
        Span<byte> tail = stackalloc byte[2 * BlockLength];
        tail.Clear();
        data.CopyTo(tail);
        tail[data.Length] = 0x80;
        int tailLength = data.Length + 9 <= BlockLength ? BlockLength : 2 * BlockLength;
        BinaryPrimitives.WriteInt64BigEndian(tail[(tailLength - 8)..], bits);
        Compress(state, tail[..BlockLength]);
        if (tailLength > BlockLength)
        {
            Compress(state, tail[BlockLength..]);
        }

        for (int i = 0; i < state.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(4 * i)..], state[i]);
        }
    }

    private void Compress(Span<uint> state, ReadOnlySpan<byte> block)
    {
        if (_sha256)
        {
            Sha256Block(state, block);
        }
        else
        {
            Sha1Block(state, block);
        }
    }

    private static void Sha1Block(Span<uint> h, ReadOnlySpan<byte> block)
    {
        // The message schedule kept as a ring of 16 words.
        Span<uint> w = stackalloc uint[16];
        for (int i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * i)..]);
        }

        uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 20; i++)
        {
            uint t = BitOperations.RotateLeft(a, 5) + ((b & c) | (~b & d)) + e + 0x5A827999 + Schedule1(w, i);
            e = d; d = c; c = BitOperations.RotateLeft(b, 30); b = a; a = t;
        }

        for (int i = 20; i < 40; i++)
        {
            uint t = BitOperations.RotateLeft(a, 5) + (b ^ c ^ d) + e + 0x6ED9EBA1 + Schedule1(w, i);
            e = d; d = c; c = BitOperations.RotateLeft(b, 30); b = a; a = t;
        }

        for (int i = 40; i < 60; i++)
        {
            uint t = BitOperations.RotateLeft(a, 5) + ((b & c) | (b & d) | (c & d)) + e + 0x8F1BBCDC + Schedule1(w, i);
            e = d; d = c; c = BitOperations.RotateLeft(b, 30); b = a; a = t;
        }

        for (int i = 60; i < 80; i++)
        {
            uint t = BitOperations.RotateLeft(a, 5) + (b ^ c ^ d) + e + 0xCA62C1D6 + Schedule1(w, i);
            e = d; d = c; c = BitOperations.RotateLeft(b, 30); b = a; a = t;
        }

        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static uint Schedule1(Span<uint> w, int i)
    {
        if (i < 16)
        {
            return w[i];
        }

        uint next = BitOperations.RotateLeft(w[(i + 13) & 15] ^ w[(i + 8) & 15] ^ w[(i + 2) & 15] ^ w[i & 15], 1);
        w[i & 15] = next;
        return next;
    }

    private static ReadOnlySpan<uint> K256 =>
    [
        0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5, 0x3956C25B, 0x59F111F1, 0x923F82A4, 0xAB1C5ED5,
        0xD807AA98, 0x12835B01, 0x243185BE, 0x550C7DC3, 0x72BE5D74, 0x80DEB1FE, 0x9BDC06A7, 0xC19BF174,
        0xE49B69C1, 0xEFBE4786, 0x0FC19DC6, 0x240CA1CC, 0x2DE92C6F, 0x4A7484AA, 0x5CB0A9DC, 0x76F988DA,
        0x983E5152, 0xA831C66D, 0xB00327C8, 0xBF597FC7, 0xC6E00BF3, 0xD5A79147, 0x06CA6351, 0x14292967,
        0x27B70A85, 0x2E1B2138, 0x4D2C6DFC, 0x53380D13, 0x650A7354, 0x766A0ABB, 0x81C2C92E, 0x92722C85,
        0xA2BFE8A1, 0xA81A664B, 0xC24B8B70, 0xC76C51A3, 0xD192E819, 0xD6990624, 0xF40E3585, 0x106AA070,
        0x19A4C116, 0x1E376C08, 0x2748774C, 0x34B0BCB5, 0x391C0CB3, 0x4ED8AA4A, 0x5B9CCA4F, 0x682E6FF3,
        0x748F82EE, 0x78A5636F, 0x84C87814, 0x8CC70208, 0x90BEFFFA, 0xA4506CEB, 0xBEF9A3F7, 0xC67178F2,
    ];

    private static void Sha256Block(Span<uint> h, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[16];
        for (int i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * i)..]);
        }

        uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        ReadOnlySpan<uint> k = K256;
        for (int i = 0; i < 64; i++)
        {
            uint wi = w[i & 15];
            if (i >= 16)
            {
                uint w15 = w[(i + 1) & 15], w2 = w[(i + 14) & 15];
                uint s0 = BitOperations.RotateRight(w15, 7) ^ BitOperations.RotateRight(w15, 18) ^ (w15 >> 3);
                uint s1 = BitOperations.RotateRight(w2, 17) ^ BitOperations.RotateRight(w2, 19) ^ (w2 >> 10);
                wi += s0 + w[(i + 9) & 15] + s1;
                w[i & 15] = wi;
            }

            uint t1 = hh + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25))
                + ((e & f) ^ (~e & g)) + k[i] + wi;
            uint t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22))
                + ((a & b) ^ (a & c) ^ (b & c));
            hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }

        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += hh;
    }
}
