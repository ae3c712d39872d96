namespace Appliance.Bench.Consolidation;

/// <summary>How a CloudSim policy decides a host is over-utilised (with VM <c>extra</c> added, when not -1).</summary>
public interface IOverloadDetection
{
    bool IsOverloaded(CloudSimPlan plan, int h, int extra);
}

/// <summary>THR: the VMs' requested MIPS over the host's MIPS is above a fixed threshold.</summary>
public sealed class StaticThreshold(double threshold) : IOverloadDetection
{
    public bool IsOverloaded(CloudSimPlan plan, int h, int extra)
    {
        double requested = plan.Requested[h] + (extra >= 0 ? plan.Dc.Demand[extra] : 0);
        return requested / plan.Dc.Hosts[h].Mips > threshold;
    }
}

/// <summary>
/// LR: a straight line fitted (least squares) to the host's last 10 utilisation values, predicted
/// one migration time ahead and multiplied by the safety parameter, reaches 1. With fewer than 10
/// values it falls back to a static threshold. CloudSim names it local regression (Loess), but
/// its tricube weights are all positive and so never applied: the fit is ordinary least squares.
/// </summary>
public sealed class LocalRegression(double safety, IOverloadDetection fallback) : IOverloadDetection
{
    private const int Length = 10;

    public bool IsOverloaded(CloudSimPlan plan, int h, int extra)
    {
        Span<double> history = stackalloc double[CloudSimPlan.HistoryLength];
        if (plan.History(h, extra, history) < Length)
        {
            return fallback.IsOverloaded(plan, h, extra);
        }

        // x = 1..10, oldest first; history[0] is the newest value.
        double meanY = 0;
        for (int i = 0; i < Length; i++)
        {
            meanY += history[i];
        }

        meanY /= Length;
        double meanX = (Length + 1) / 2.0, sxy = 0, sxx = 0;
        for (int i = 0; i < Length; i++)
        {
            double x = Length - i;
            sxy += (x - meanX) * (history[i] - meanY);
            sxx += (x - meanX) * (x - meanX);
        }

        double slope = sxy / sxx;
        double intercept = meanY - (slope * meanX);
        double predicted = (intercept + (slope * (Length + MigrationIntervals(plan, h, extra)))) * safety;
        return predicted >= 1;
    }

    /// <summary>Scheduling intervals the host's largest VM needs to migrate, rounded up.</summary>
    private static double MigrationIntervals(CloudSimPlan plan, int h, int extra)
    {
        long largest = extra >= 0 ? plan.Dc.VmTypes[extra].MemoryMb : 0;
        foreach (int v in plan.HostVms[h])
        {
            largest = Math.Max(largest, plan.Dc.VmTypes[v].MemoryMb);
        }

        return Math.Ceiling(Rules.MigrationSeconds(largest) / plan.Dc.Trace.IntervalSeconds);
    }
}
