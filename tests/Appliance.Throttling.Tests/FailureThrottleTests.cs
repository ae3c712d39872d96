using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Throttling.Tests;

/// <summary>
/// What both doors' throttles share, whatever their policy: who counts as one source, that the
/// count is forgotten after a quiet spell, and that the table stays bounded. The delays themselves
/// are tested where each policy is used (IPMI: Appliance.Ipmi.Tests RefusalTests; Redfish:
/// Appliance.Bmc.Redfish.Tests AttackerTests).
/// </summary>
public sealed class FailureThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    private FailureThrottle<IPAddress> Throttle(int maxTracked = 16) =>
        new(new FailureThrottlePolicy(FreeFailures: 1, MaxDelay: TimeSpan.FromSeconds(60), ForgetAfter: TimeSpan.FromMinutes(10), maxTracked), _time);

    [Fact]
    public void Addresses_in_one_ipv6_64_are_one_source_and_an_ipv4_mapped_address_is_its_ipv4_one()
    {
        FailureThrottle<IPAddress> throttle = Throttle();

        throttle.Failure(SourceAddress.Of(IPAddress.Parse("2001:db8:1:2::10")));
        throttle.Failure(SourceAddress.Of(IPAddress.Parse("::ffff:192.0.2.7")));

        Assert.Equal(TimeSpan.FromSeconds(1), throttle.Wait(SourceAddress.Of(IPAddress.Parse("2001:db8:1:2:ffff::99"))));
        Assert.Equal(TimeSpan.Zero, throttle.Wait(SourceAddress.Of(IPAddress.Parse("2001:db8:1:3::10"))));
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.Wait(SourceAddress.Of(IPAddress.Parse("192.0.2.7"))));
        Assert.Equal(TimeSpan.Zero, throttle.Wait(SourceAddress.Of(IPAddress.Parse("192.0.2.8"))));
    }

    [Fact]
    public void Failures_are_forgotten_after_a_quiet_spell_and_the_count_starts_again()
    {
        FailureThrottle<IPAddress> throttle = Throttle();
        IPAddress source = IPAddress.Parse("192.0.2.7");
        throttle.Failure(source);
        throttle.Failure(source);
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.Wait(source));

        _time.Advance(TimeSpan.FromMinutes(10));
        throttle.Failure(source);

        Assert.Equal(TimeSpan.FromSeconds(1), throttle.Wait(source));
    }

    [Fact]
    public void A_full_table_gives_up_its_stalest_source_for_a_new_one()
    {
        FailureThrottle<IPAddress> throttle = Throttle(maxTracked: 2);
        IPAddress[] sources = [IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2"), IPAddress.Parse("192.0.2.3")];
        foreach (IPAddress source in sources)
        {
            throttle.Failure(source);
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(TimeSpan.Zero, throttle.Wait(sources[0]));
        Assert.True(throttle.Wait(sources[1]) > TimeSpan.Zero);
        Assert.True(throttle.Wait(sources[2]) > TimeSpan.Zero);
    }
}
