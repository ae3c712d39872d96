using System.Globalization;

namespace Appliance.Cluster.Policy;

/// <summary>How numbers read in the power log's reasons.</summary>
internal static class Reasons
{
    public static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    public static string Mhz(double mhz) => mhz.ToString("0", CultureInfo.InvariantCulture) + " MHz";

    public static string MiB(long mib) => mib.ToString(CultureInfo.InvariantCulture) + " MiB";

    public static string Minutes(TimeSpan span) => span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min";

    public static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    public static string List(IEnumerable<string> items) => string.Join(", ", items);
}
