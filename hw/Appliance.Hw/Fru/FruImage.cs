using System.Runtime.InteropServices;
using System.Text;

namespace Appliance.Hw.Fru;

/// <summary>
/// Encodes and decodes FRU images (Platform Management FRU Information Storage Definition v1.0):
/// common header, chassis info, board info and product info areas, each 8-byte aligned and
/// zero-checksummed, strings as 8-bit ASCII type/length fields.
/// </summary>
public static class FruImage
{
    private const byte FormatVersion = 0x01;
    private const byte EndOfFields = 0xC1;
    private const byte EnglishLanguage = 0x00;
    private static readonly DateTimeOffset MfgEpoch = new(1996, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static byte[] Encode(FruInfo info)
    {
        byte[] chassis = Area(a =>
        {
            a.Add((byte)info.ChassisType);
            Field(a, info.ChassisPartNumber);
            Field(a, info.ChassisSerialNumber);
        });
        byte[] board = Area(a =>
        {
            a.Add(EnglishLanguage);
            int minutes = (int)(info.BoardManufacturedAt - MfgEpoch).TotalMinutes;
            a.Add((byte)minutes);
            a.Add((byte)(minutes >> 8));
            a.Add((byte)(minutes >> 16));
            Field(a, info.BoardManufacturer);
            Field(a, info.BoardProductName);
            Field(a, info.BoardSerialNumber);
            Field(a, info.BoardPartNumber);
            Field(a, ""); // FRU file ID
        });
        byte[] product = Area(a =>
        {
            a.Add(EnglishLanguage);
            Field(a, info.ProductManufacturer);
            Field(a, info.ProductName);
            Field(a, info.ProductPartNumber);
            Field(a, info.ProductVersion);
            Field(a, info.ProductSerialNumber);
            Field(a, info.ProductAssetTag);
            Field(a, ""); // FRU file ID
        });

        var image = new List<byte>(8 + chassis.Length + board.Length + product.Length);
        int chassisAt = 1;
        int boardAt = chassisAt + (chassis.Length / 8);
        int productAt = boardAt + (board.Length / 8);
        image.AddRange([FormatVersion, 0, (byte)chassisAt, (byte)boardAt, (byte)productAt, 0, 0]);
        image.Add(ByteChecksum.ZeroSum(CollectionsMarshal.AsSpan(image)));
        image.AddRange(chassis);
        image.AddRange(board);
        image.AddRange(product);
        return [.. image];
    }

    /// <summary>Decodes an image, checking the header and every area's checksum.</summary>
    public static FruInfo Decode(ReadOnlySpan<byte> image)
    {
        if (image.Length < 8 || image[0] != FormatVersion || ByteChecksum.Sum(image[..8]) != 0)
        {
            throw new FormatException("FRU common header is missing or its checksum is wrong");
        }

        ReadOnlySpan<byte> chassis = AreaAt(image, image[2], "chassis");
        ReadOnlySpan<byte> board = AreaAt(image, image[3], "board");
        ReadOnlySpan<byte> product = AreaAt(image, image[4], "product");

        int c = 3;
        int chassisType = chassis[2];
        string chassisPart = ReadField(chassis, ref c);
        string chassisSerial = ReadField(chassis, ref c);

        int minutes = board[3] | (board[4] << 8) | (board[5] << 16);
        int b = 6;
        string boardMfr = ReadField(board, ref b);
        string boardName = ReadField(board, ref b);
        string boardSerial = ReadField(board, ref b);
        string boardPart = ReadField(board, ref b);

        int p = 3;
        string productMfr = ReadField(product, ref p);
        string productName = ReadField(product, ref p);
        string productPart = ReadField(product, ref p);
        string productVersion = ReadField(product, ref p);
        string productSerial = ReadField(product, ref p);
        string assetTag = ReadField(product, ref p);

        return new FruInfo
        {
            ChassisType = chassisType,
            ChassisPartNumber = chassisPart,
            ChassisSerialNumber = chassisSerial,
            BoardManufacturer = boardMfr,
            BoardProductName = boardName,
            BoardSerialNumber = boardSerial,
            BoardPartNumber = boardPart,
            BoardManufacturedAt = MfgEpoch.AddMinutes(minutes),
            ProductManufacturer = productMfr,
            ProductName = productName,
            ProductPartNumber = productPart,
            ProductVersion = productVersion,
            ProductSerialNumber = productSerial,
            ProductAssetTag = assetTag,
        };
    }

    private static byte[] Area(Action<List<byte>> fields)
    {
        var area = new List<byte> { FormatVersion, 0 };
        fields(area);
        area.Add(EndOfFields);
        while ((area.Count + 1) % 8 != 0)
        {
            area.Add(0);
        }

        area[1] = (byte)((area.Count + 1) / 8);
        area.Add(ByteChecksum.ZeroSum(CollectionsMarshal.AsSpan(area)));
        return [.. area];
    }

    private static void Field(List<byte> area, string value)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(value);
        if (bytes.Length > 63)
        {
            throw new ArgumentException($"FRU field '{value}' is longer than 63 bytes", nameof(value));
        }

        area.Add((byte)(0xC0 | bytes.Length));
        area.AddRange(bytes);
    }

    private static ReadOnlySpan<byte> AreaAt(ReadOnlySpan<byte> image, byte offsetIn8, string name)
    {
        int start = offsetIn8 * 8;
        if (offsetIn8 == 0 || start + 2 > image.Length)
        {
            throw new FormatException($"FRU {name} area is missing");
        }

        int length = image[start + 1] * 8;
        if (image[start] != FormatVersion || length < 8 || start + length > image.Length || ByteChecksum.Sum(image.Slice(start, length)) != 0)
        {
            throw new FormatException($"FRU {name} area at byte {start} is damaged (version, length or checksum)");
        }

        return image.Slice(start, length);
    }

    private static string ReadField(ReadOnlySpan<byte> area, ref int at)
    {
        if (at >= area.Length || area[at] == EndOfFields)
        {
            return "";
        }

        byte typeLength = area[at];
        int length = typeLength & 0x3F;
        if (at + 1 + length > area.Length)
        {
            throw new FormatException("FRU field runs past its area");
        }

        string value = Encoding.Latin1.GetString(area.Slice(at + 1, length));
        at += 1 + length;
        return value;
    }
}
