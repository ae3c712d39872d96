using System.Globalization;

namespace Appliance.Bench.Consolidation;

/// <summary>
/// A day of VM CPU utilisation: one file per VM in a folder, one integer percentage per line and
/// per <see cref="IntervalSeconds"/>. VMs are taken in ordinal order of their file names.
/// </summary>
public sealed class Trace
{
    public Trace(string folder, IReadOnlyList<string> names, byte[][] utilization, double intervalSeconds)
    {
        if (names.Count != utilization.Length || names.Count == 0)
        {
            throw new ArgumentException("a trace needs at least one VM and one series per VM");
        }

        int steps = utilization[0].Length;
        if (steps == 0 || utilization.Any(u => u.Length != steps))
        {
            throw new ArgumentException("every VM of a trace needs the same number of samples, at least one");
        }

        Folder = folder;
        Names = names;
        Utilization = utilization;
        IntervalSeconds = intervalSeconds;
    }

    public string Folder { get; }

    public IReadOnlyList<string> Names { get; }

    /// <summary>Per VM, per step: CPU utilisation in percent of the VM's own capacity.</summary>
    public byte[][] Utilization { get; }

    public double IntervalSeconds { get; }

    public int VmCount => Names.Count;

    public int Steps => Utilization[0].Length;

    /// <summary>Reads a PlanetLab day folder; names the file and line of anything it cannot read.</summary>
    public static Trace Load(string folder, double intervalSeconds = 300)
    {
        if (!Directory.Exists(folder))
        {
            throw new InvalidDataException($"trace folder {folder} does not exist (set TRACE=DIR to a folder of per-VM files)");
        }

        string[] files = Directory.GetFiles(folder);
        Array.Sort(files, StringComparer.Ordinal);
        if (files.Length == 0)
        {
            throw new InvalidDataException($"trace folder {folder} holds no files");
        }

        var series = new byte[files.Length][];
        int expected = -1;
        for (int i = 0; i < files.Length; i++)
        {
            string[] lines = File.ReadAllLines(files[i]).Where(l => l.Trim().Length > 0).ToArray();
            if (expected < 0)
            {
                expected = lines.Length;
            }
            else if (lines.Length != expected)
            {
                throw new InvalidDataException($"{files[i]}: {lines.Length} samples where the first file has {expected}");
            }

            series[i] = new byte[lines.Length];
            for (int k = 0; k < lines.Length; k++)
            {
                if (!int.TryParse(lines[k].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 0 || value > 100)
                {
                    throw new InvalidDataException($"{files[i]} line {k + 1}: '{lines[k]}' is not a percentage 0..100");
                }

                series[i][k] = (byte)value;
            }
        }

        return new Trace(Path.GetFullPath(folder), files.Select(Path.GetFileName).ToArray()!, series, intervalSeconds);
    }
}
