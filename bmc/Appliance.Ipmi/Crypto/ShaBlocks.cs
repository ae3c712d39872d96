using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using unsafe BlockFunction = delegate* unmanaged[Cdecl, SuppressGCTransition]<uint*, byte*, void>;

namespace Appliance.Ipmi.Crypto;

/// <summary>
/// The SHA-1 and SHA-256 compression functions (FIPS 180-4) that <see cref="ManagedHmac"/> runs
/// its blocks through: libcrypto's block functions where the library is there (they use the CPU's
/// SHA instructions, several times faster than any managed loop), managed code otherwise. A session
/// setup hashes some twenty blocks, so this is most of RAKP's own cost. The state is the bare
/// chaining value (5 or 8 words); libcrypto's functions take it inside their context structure,
/// which is laid out here as OpenSSL's sha.h declares it.
/// </summary>
internal static unsafe class ShaBlocks
{
    // SHA_CTX: h0..h4, Nl, Nh, data[16], num. SHA256_CTX: h[8], Nl, Nh, data[16], num, md_len.
    private const int Sha1ContextWords = 24;
    private const int Sha256ContextWords = 28;

    private static readonly BlockFunction NativeSha1;
    private static readonly BlockFunction NativeSha256;

    static ShaBlocks()
    {
        // The same library the platform's own cryptography loads on Linux; without it the managed loops serve.
        if (NativeLibrary.TryLoad("libcrypto.so.3", out IntPtr library)
            && NativeLibrary.TryGetExport(library, "SHA1_Transform", out IntPtr sha1)
            && NativeLibrary.TryGetExport(library, "SHA256_Transform", out IntPtr sha256))
        {
            NativeSha1 = (BlockFunction)sha1;
            NativeSha256 = (BlockFunction)sha256;
        }
    }

    /// <summary>Whether the blocks go through libcrypto.</summary>
    public static bool IsNative => NativeSha1 != null;

    /// <summary>One 64-byte block into a SHA-1 chaining value (5 words).</summary>
    public static void Sha1(Span<uint> state, ReadOnlySpan<byte> block)
    {
        if (NativeSha1 != null)
        {
            Native(NativeSha1, Sha1ContextWords, state, block);
        }
        else
        {
            Sha1Managed(state, block);
        }
    }

    /// <summary>One 64-byte block into a SHA-256 chaining value (8 words).</summary>
    public static void Sha256(Span<uint> state, ReadOnlySpan<byte> block)
    {
        if (NativeSha256 != null)
        {
            Native(NativeSha256, Sha256ContextWords, state, block);
        }
        else
        {
            Sha256Managed(state, block);
        }
    }

    /// <summary>libcrypto's block function on <paramref name="block"/>; for tests, which compare it with the managed one.</summary>
    internal static void Sha1Native(Span<uint> state, ReadOnlySpan<byte> block) => Native(Loaded(NativeSha1), Sha1ContextWords, state, block);

    /// <inheritdoc cref="Sha1Native"/>
    internal static void Sha256Native(Span<uint> state, ReadOnlySpan<byte> block) => Native(Loaded(NativeSha256), Sha256ContextWords, state, block);

    private static BlockFunction Loaded(BlockFunction transform) =>
        transform != null ? transform : throw new PlatformNotSupportedException("libcrypto.so.3 is not loaded");

    private static void Native(BlockFunction transform, int contextWords, Span<uint> state, ReadOnlySpan<byte> block)
    {
        // libcrypto reads 64 bytes from the pointer, whatever the span says.
        if (block.Length < 64)
        {
            throw new ArgumentException("a block is 64 bytes", nameof(block));
        }

        uint* context = stackalloc uint[contextWords];
        new Span<uint>(context, contextWords).Clear();
        state.CopyTo(new Span<uint>(context, state.Length));
        fixed (byte* data = block)
        {
            transform(context, data);
        }

        new Span<uint>(context, state.Length).CopyTo(state);
    }

    internal static void Sha1Managed(Span<uint> h, ReadOnlySpan<byte> block)
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

    internal static void Sha256Managed(Span<uint> h, ReadOnlySpan<byte> block)
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
