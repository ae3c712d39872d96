namespace Appliance.Bmc;

/// <summary>
/// Tells a BMC service restart from a cold start of the board: the run directory is on tmpfs
/// on a board, so it is empty only after AC power returns. The restore policy applies only then.
/// </summary>
public static class AcPowerMarker
{
    public static bool FirstStartSinceAcPower(string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        string marker = Path.Combine(runDirectory, "bmc-started");
        if (File.Exists(marker))
        {
            return false;
        }

        File.WriteAllText(marker, DateTimeOffset.UtcNow.ToString("O"));
        return true;
    }
}
