using System.Collections.Concurrent;

namespace Appliance.Libvirt.Tests;

public class EventTests
{
    [Fact]
    public void Lifecycle_events_arrive_on_the_event_loop_in_order()
    {
        using var conn = TestDriver.Open();
        string name = TestDriver.UniqueName("evented");
        var events = new ConcurrentQueue<DomainLifecycleEvent>();
        using (conn.SubscribeLifecycleEvents(e => { if (e.DomainName == name) events.Enqueue(e); }))
        {
            using var domain = conn.DefineDomain(TestDriver.Definition(name).ToXml());
            domain.Start();
            domain.Suspend();
            domain.Resume();
            domain.Destroy();
            domain.Undefine();

            Assert.True(TestDriver.WaitFor(() => events.Any(e => e.Type == DomainEventType.Undefined)), "no undefined event arrived");
        }

        Assert.Equal(
            [DomainEventType.Defined, DomainEventType.Started, DomainEventType.Suspended, DomainEventType.Resumed, DomainEventType.Stopped, DomainEventType.Undefined],
            events.Select(e => e.Type));
        Assert.Equal(1, events.Single(e => e.Type == DomainEventType.Stopped).Detail); // VIR_DOMAIN_EVENT_STOPPED_DESTROYED
        Assert.All(events, e => Assert.Matches("^[0-9a-f-]{36}$", e.DomainUuid));
    }

    [Fact]
    public void Unsubscribed_handlers_hear_nothing_more()
    {
        using var conn = TestDriver.Open();
        string first = TestDriver.UniqueName("one"), second = TestDriver.UniqueName("two");
        var heardByOld = new ConcurrentQueue<string>();
        var subscription = conn.SubscribeLifecycleEvents(e => heardByOld.Enqueue(e.DomainName));
        using (new OwnedDomain(conn.DefineDomain(TestDriver.Definition(first).ToXml())))
            Assert.True(TestDriver.WaitFor(() => heardByOld.Contains(first)));

        subscription.Dispose();
        var heardByNew = new ConcurrentQueue<string>();
        using (conn.SubscribeLifecycleEvents(e => heardByNew.Enqueue(e.DomainName)))
        using (new OwnedDomain(conn.DefineDomain(TestDriver.Definition(second).ToXml())))
            Assert.True(TestDriver.WaitFor(() => heardByNew.Contains(second)));

        Assert.DoesNotContain(second, heardByOld);
    }
}
