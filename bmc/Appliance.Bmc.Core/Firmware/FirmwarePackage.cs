using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;

namespace Appliance.Bmc.Firmware;

/// <summary>
/// A signed firmware update image (firmware/pack-firmware.py writes them):
/// <code>
///   "APPLFW" 00h 01h          magic and format version
///   u32 LE  M                 manifest length
///   M bytes                   manifest, UTF-8 JSON (FirmwareManifest)
///   N bytes                   payload: the slot image (N = manifest payloadLength)
///   u16 LE  S                 signature length
///   S bytes                   ECDSA P-256 over SHA-256 of everything before the signature length, DER
/// </code>
/// Nothing in the image is trusted before the signature over all of it checks out.
/// </summary>
public static class FirmwarePackage
{
    public static ReadOnlySpan<byte> Magic => "APPLFW\0\u0001"u8;
    private const int MaxManifest = 64 * 1024;

    /// <summary>A verified image: its manifest and where its payload lies in the file.</summary>
    public sealed record Verified(FirmwareManifest Manifest, long PayloadOffset);

    /// <summary>
    /// Checks an image file completely: its structure and length, the signature, then that it is
    /// for this board and architecture and fits a slot. Throws <see cref="FirmwarePackageException"/> saying why not.
    /// </summary>
    public static Verified Verify(string path, ECDsa publicKey, string board, string architecture, long slotSize)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        long length = file.Length;
        Span<byte> head = stackalloc byte[12];
        if (length < head.Length + 2 || file.Read(head) != head.Length || !head[..8].SequenceEqual(Magic))
        {
            throw new FirmwarePackageException(FirmwarePackageFault.Malformed, $"not a firmware image for this BMC ({length} bytes; it must start with the APPLFW format 1 header)");
        }

        uint manifestLength = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
        if (manifestLength is 0 or > MaxManifest || 12 + manifestLength > length)
        {
            throw new FirmwarePackageException(FirmwarePackageFault.Truncated, $"the image is truncated or damaged: its manifest of {manifestLength} bytes does not fit its {length} bytes");
        }

        byte[] manifestBytes = new byte[manifestLength];
        file.ReadExactly(manifestBytes);
        FirmwareManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(manifestBytes, FirmwareJsonContext.Default.FirmwareManifest)
                ?? throw new JsonException("empty manifest");
        }
        catch (JsonException e)
        {
            throw new FirmwarePackageException(FirmwarePackageFault.Malformed, "the image's manifest cannot be read: " + e.Message);
        }

        long payloadOffset = 12 + manifestLength;
        long signedLength = payloadOffset + manifest.PayloadLength;
        if (manifest.PayloadLength <= 0 || signedLength + 2 > length)
        {
            throw new FirmwarePackageException(FirmwarePackageFault.Truncated,
                $"the image is truncated: it has {length} bytes, its manifest announces a {manifest.PayloadLength}-byte payload and a signature after it");
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var payloadSha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(head);
        sha.AppendData(manifestBytes);
        byte[] buffer = new byte[1 << 16];
        for (long left = manifest.PayloadLength; left > 0;)
        {
            int n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0)
            {
                throw new FirmwarePackageException(FirmwarePackageFault.Truncated, "the image is truncated inside its payload");
            }

            sha.AppendData(buffer, 0, n);
            payloadSha.AppendData(buffer, 0, n);
            left -= n;
        }

        Span<byte> signatureLength = stackalloc byte[2];
        file.ReadExactly(signatureLength);
        int s = BinaryPrimitives.ReadUInt16LittleEndian(signatureLength);
        if (signedLength + 2 + s != length)
        {
            throw new FirmwarePackageException(FirmwarePackageFault.Truncated,
                $"the image is truncated or has trailing bytes: {length} bytes where its header announces {signedLength + 2 + s}");
        }

        byte[] signature = new byte[s];
        file.ReadExactly(signature);
        byte[] digest = sha.GetHashAndReset();
        if (!publicKey.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence))
        {
            throw new FirmwarePackageException(FirmwarePackageFault.Signature, "the image's signature does not verify with this firmware's update key");
        }

        if (!Convert.ToHexStringLower(payloadSha.GetHashAndReset()).Equals(manifest.PayloadSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new FirmwarePackageException(FirmwarePackageFault.Malformed, "the image's payload does not match the checksum its manifest carries");
        }

        if (manifest.Board != board || manifest.Architecture != architecture)
        {
            throw new FirmwarePackageException(FirmwarePackageFault.OtherBoard,
                $"the image is for board {manifest.Board} ({manifest.Architecture}); this BMC is on board {board} ({architecture})");
        }

        if (manifest.PayloadLength > slotSize)
        {
            throw new FirmwarePackageException(FirmwarePackageFault.TooLarge, $"the image's payload of {manifest.PayloadLength} bytes does not fit a {slotSize}-byte slot");
        }

        return new Verified(manifest, payloadOffset);
    }

    /// <summary>Reads the update key (PEM).</summary>
    public static ECDsa LoadPublicKey(string path)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new FirmwareLayoutException($"{path}: the update key must be ECDSA P-256");
        }

        return key;
    }
}

/// <summary>Why an image was refused.</summary>
public enum FirmwarePackageFault
{
    Malformed,
    Truncated,
    Signature,
    OtherBoard,
    TooLarge,
}

public sealed class FirmwarePackageException(FirmwarePackageFault fault, string message) : Exception(message)
{
    public FirmwarePackageFault Fault { get; } = fault;
}
