namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>Waits for something another thread, process or the simulated board makes true; fails with what it waited for.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"still waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}
