namespace Appliance.Ipmi.Tests;

/// <summary>Waits for a condition that another thread or process makes true; fails with a message when it never does.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, string what, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"still waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }
}
