namespace Appliance.Libvirt.Rpc;

/// <summary>remote_typed_param: a name, then a union discriminated by virTypedParameterType.</summary>
internal static class TypedParameterCodec
{
    public const int Int = 1, UInt = 2, LLong = 3, ULLong = 4, Double = 5, Boolean = 6, String = 7;

    public static TypedParameters ReadList(XdrReader reader)
    {
        int count = reader.ReadArrayLength();
        var values = new Dictionary<string, object>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            int type = reader.ReadInt();
            object value = type switch
            {
                Int => reader.ReadInt(),
                UInt => reader.ReadUInt(),
                LLong => reader.ReadHyper(),
                ULLong => reader.ReadUHyper(),
                Double => reader.ReadDouble(),
                Boolean => reader.ReadInt() != 0,
                String => reader.ReadString(),
                // An unknown arm has an unknown size: the rest of the message cannot be read.
                _ => throw new LibvirtException("decoding typed parameters", LibvirtErrorCode.Rpc, ErrorDomains.Rpc,
                    $"Unable to decode message payload: unknown typed parameter type {type} for '{name}'"),
            };
            // Some stats repeat a name (none of those we read); the last one wins.
            values[name] = value;
        }
        return new TypedParameters(values);
    }

    public static void WriteList(XdrWriter writer, IReadOnlyList<(string Name, object Value)> parameters)
    {
        writer.WriteUInt((uint)parameters.Count);
        foreach (var (name, value) in parameters)
        {
            writer.WriteString(name);
            switch (value)
            {
                case int i: writer.WriteInt(Int); writer.WriteInt(i); break;
                case uint u: writer.WriteInt(UInt); writer.WriteUInt(u); break;
                case long l: writer.WriteInt(LLong); writer.WriteHyper(l); break;
                case ulong u: writer.WriteInt(ULLong); writer.WriteUHyper(u); break;
                case double d: writer.WriteInt(Double); writer.WriteDouble(d); break;
                case bool b: writer.WriteInt(Boolean); writer.WriteBool(b); break;
                case string s: writer.WriteInt(String); writer.WriteString(s); break;
                default: throw new ArgumentException($"typed parameter '{name}' has a type libvirt does not know: {value.GetType()}");
            }
        }
    }
}
