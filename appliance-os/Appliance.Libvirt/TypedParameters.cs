namespace Appliance.Libvirt;

/// <summary>
/// A read-only copy of a libvirt typed-parameter list (domain stats, job stats):
/// names such as "cpu.time" or "downtime" mapped to int, uint, long, ulong, double, bool or string.
/// </summary>
public sealed class TypedParameters
{
    private readonly Dictionary<string, object> _values;

    public TypedParameters(Dictionary<string, object> values) => _values = values;

    public IReadOnlyDictionary<string, object> Values => _values;

    public bool Contains(string name) => _values.ContainsKey(name);

    public ulong? GetUInt64(string name) => _values.TryGetValue(name, out var v) ? v switch
    {
        ulong u => u,
        long l when l >= 0 => (ulong)l,
        uint u => u,
        int i when i >= 0 => (ulong)i,
        _ => null,
    } : null;

    public long? GetInt64(string name) => _values.TryGetValue(name, out var v) ? v switch
    {
        long l => l,
        ulong u when u <= long.MaxValue => (long)u,
        int i => i,
        uint u => u,
        _ => null,
    } : null;

    public string? GetString(string name) => _values.TryGetValue(name, out var v) ? v as string : null;
}
