namespace Appliance.Node.Hypervisor;

/// <summary>
/// Whether guests on this node can run hypervisors of their own: the host CPU has VMX or SVM, KVM
/// runs guests, and the KVM module has nesting turned on. When it does, guests get the host CPU
/// (host-passthrough) and with it the virtualization extension.
/// </summary>
public sealed record NestedVirtualization(bool Supported, string? Extension, string Reason)
{
    public static NestedVirtualization Detect(Acceleration acceleration, string procRoot = "/proc", string sysRoot = "/sys")
    {
        string? extension = CpuExtension(Path.Combine(procRoot, "cpuinfo"));
        if (extension is null)
            return new(false, null, "the host CPU reports neither vmx nor svm");
        if (!acceleration.IsKvm)
            return new(false, extension, $"guests run under TCG ({acceleration.Reason}); nesting needs KVM");
        string module = extension == "vmx" ? "kvm_intel" : "kvm_amd";
        string parameter = Path.Combine(sysRoot, "module", module, "parameters", "nested");
        string? value = File.Exists(parameter) ? File.ReadAllText(parameter).Trim() : null;
        return value is "Y" or "1"
            ? new(true, extension, $"{module} nested={value}")
            : new(false, extension, value is null
                ? $"{parameter} is missing ({module} not loaded)"
                : $"{module} has nested={value}; enable it with 'options {module} nested=1' and reload the module");
    }

    private static string? CpuExtension(string cpuinfo)
    {
        if (!File.Exists(cpuinfo)) return null;
        foreach (string line in File.ReadLines(cpuinfo))
        {
            if (!line.StartsWith("flags", StringComparison.Ordinal)) continue;
            var flags = line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (flags.Contains("vmx")) return "vmx";
            if (flags.Contains("svm")) return "svm";
            return null;
        }
        return null;
    }
}
