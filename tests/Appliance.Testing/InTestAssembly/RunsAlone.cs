namespace Appliance.Testing;

/// <summary>
/// Tests that load the machine, such as the fuzzers, run by themselves: on a two-core runner they
/// would otherwise starve the servers other tests drive with real clients, whose retransmission timers
/// (400 ms for ipmipower) then fire and turn one command into several. xunit reads collection
/// definitions from the test assembly only, so every test project compiles this file in.
/// </summary>
[Xunit.CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}
