namespace Appliance.Bmc.Power;

/// <summary>The immediate answer to a power request.</summary>
public enum PowerRequestOutcome
{
    /// <summary>Queued; the returned task completes when the action is done.</summary>
    Accepted,

    /// <summary>The action makes no sense in the state the chassis will be in (e.g. reset while off).</summary>
    NotInThisState,

    /// <summary>Too many requests are waiting already.</summary>
    Busy,
}

/// <summary>The immediate answer and, when accepted, the completion.</summary>
public sealed record PowerRequestResult(PowerRequestOutcome Outcome, Task<PowerResult> Completion)
{
    public bool Accepted => Outcome == PowerRequestOutcome.Accepted;
}

/// <summary>How an accepted action ended.</summary>
public sealed record PowerResult(bool Succeeded, PowerState FinalState, string? Failure = null)
{
    /// <summary>A forced action (or a hold of the power button) ended this graceful one before the host answered.</summary>
    public bool Superseded { get; init; }

    public static PowerResult Ok(PowerState state) => new(true, state);

    public static PowerResult SupersededBy(string by, PowerState state) => new(false, state, "superseded by " + by) { Superseded = true };
}
