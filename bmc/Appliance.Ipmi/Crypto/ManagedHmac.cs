using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Appliance.Ipmi.Crypto;

/// <summary>
/// HMAC-SHA1 and HMAC-SHA256 (RFC 2104) kept in managed code, for the short messages of
/// RMCP+: RAKP's authentication codes and keys, and every packet's integrity check. A call into
/// the platform's HMAC costs microseconds of provider look-ups and locking before it hashes the
/// few dozen bytes these messages have; here an HMAC is three or four calls of the compression
/// function (<see cref="ShaBlocks"/>). The
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
            ShaBlocks.Sha256(state, block);
        }
        else
        {
            ShaBlocks.Sha1(state, block);
        }
    }
}
