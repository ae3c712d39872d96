namespace Appliance.Throttling;

/// <summary>
/// How a <see cref="FailureThrottle{TKey}"/> slows a key down: <see cref="FreeFailures"/> failures
/// in a row come without a wait; then the key waits 1 s before its next try, and twice as long after
/// each further failure, at most <see cref="MaxDelay"/>. <see cref="ForgetAfter"/> without a failure forgets the count.
/// At most <see cref="MaxTracked"/> keys are kept; when full, the stalest goes first.
/// </summary>
public sealed record FailureThrottlePolicy(int FreeFailures, TimeSpan MaxDelay, TimeSpan ForgetAfter, int MaxTracked)
{
    /// <summary>The wait a key that has failed <paramref name="failures"/> times in a row has after its last failure.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        int over = failures - FreeFailures;
        if (over < 0)
        {
            return TimeSpan.Zero;
        }

        TimeSpan delay = over >= 30 ? MaxDelay : TimeSpan.FromSeconds(1L << over);
        return delay < MaxDelay ? delay : MaxDelay;
    }
}
