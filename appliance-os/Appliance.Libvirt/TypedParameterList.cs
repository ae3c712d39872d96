using Appliance.Libvirt.Rpc;

namespace Appliance.Libvirt;

/// <summary>Typed parameters handed to libvirt (migration options), sent as remote_typed_param values.</summary>
public sealed class TypedParameterList : IDisposable
{
    /// <summary>VIR_TYPED_PARAM_FIELD_LENGTH: names are at most 79 bytes.</summary>
    private const int FieldLength = 80;

    private readonly List<(string Name, object Value)> _items = [];

    public int Count => _items.Count;

    internal IReadOnlyList<(string Name, object Value)> Items => _items;

    public TypedParameterList Add(string name, string value) => Append(name, value, "virTypedParamsAddString");

    public TypedParameterList Add(string name, ulong value) => Append(name, value, "virTypedParamsAddULLong");

    public TypedParameterList Add(string name, int value) => Append(name, value, "virTypedParamsAddInt");

    private TypedParameterList Append(string name, object value, string function)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(name) >= FieldLength)
            throw new LibvirtException($"{function}({name})", LibvirtErrorCode.InvalidArg, ErrorDomains.None,
                $"invalid argument: Parameter name '{name}' too long");
        _items.Add((name, value));
        return this;
    }

    public void Dispose() => _items.Clear();
}
