using Xunit;

namespace Appliance.Testing;

/// <summary>Waits for something another thread, process or the simulated board makes true; fails with what it waited for when that never happens.</summary>
public static class Wait
{
    /// <summary>
    /// Polls <paramref name="condition"/> every 10 ms (quick enough to see a line held for a button
    /// press) until it holds, for at most <paramref name="seconds"/>. A condition that throws is asked
    /// again (the other side may not be up yet); the last error is reported if time runs out.
    /// </summary>
    public static Task UntilAsync(Func<bool> condition, string what, double seconds = 30) =>
        UntilAsync(() => Task.FromResult(condition()), what, seconds, TimeSpan.FromMilliseconds(10));

    /// <summary>Polls an asynchronous <paramref name="condition"/> (a request to a service) every 200 ms, as <see cref="UntilAsync(Func{bool}, string, double)"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, double seconds = 30) =>
        UntilAsync(condition, what, seconds, TimeSpan.FromMilliseconds(200));

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, double seconds, TimeSpan interval)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }

                last = null;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                last = e;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"still waiting after {seconds} s for: {what}" + (last is null ? "" : $" (last error: {last.Message})"));
            }

            await Task.Delay(interval);
        }
    }
}
