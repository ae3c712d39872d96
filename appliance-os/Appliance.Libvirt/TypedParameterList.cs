using Appliance.Libvirt.Interop;

namespace Appliance.Libvirt;

/// <summary>Typed parameters handed to libvirt (migration options), built in libvirt's own allocator.</summary>
public sealed unsafe class TypedParameterList : IDisposable
{
    private VirTypedParameter* _parameters;
    private int _count;
    private int _capacity;

    public int Count => _count;

    public TypedParameterList Add(string name, string value)
    {
        Errors.Check(Native.virTypedParamsAddString(ref _parameters, ref _count, ref _capacity, name, value), $"virTypedParamsAddString({name})");
        return this;
    }

    public TypedParameterList Add(string name, ulong value)
    {
        Errors.Check(Native.virTypedParamsAddULLong(ref _parameters, ref _count, ref _capacity, name, value), $"virTypedParamsAddULLong({name})");
        return this;
    }

    public TypedParameterList Add(string name, int value)
    {
        Errors.Check(Native.virTypedParamsAddInt(ref _parameters, ref _count, ref _capacity, name, value), $"virTypedParamsAddInt({name})");
        return this;
    }

    internal VirTypedParameter* Pointer => _parameters;

    public void Dispose()
    {
        if (_parameters != null) Native.virTypedParamsFree(_parameters, _count);
        _parameters = null;
        _count = _capacity = 0;
    }
}
