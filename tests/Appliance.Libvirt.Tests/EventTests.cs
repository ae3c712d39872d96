using System.Collections.Concurrent;

namespace Appliance.Libvirt.Tests;

public class EventTests
{
    [Fact]
    public void Lifecycle_events_arrive_in_order()
    {
        using var conn = SystemDaemon.Open();
        string name = SystemDaemon.UniqueName("evented");
        var events = new ConcurrentQueue<DomainLifecycleEvent>();
        using (conn.SubscribeLifecycleEvents(e => { if (e.DomainName == name) events.Enqueue(e); }))
        {
            using var owned = new OwnedDomain(conn.DefineDomain(SystemDaemon.Runnable(name).ToXml()));
            var domain = owned.Domain;
            domain.Start();
            domain.Suspend();
            domain.Resume();
            domain.Destroy();
            domain.Undefine();

            Assert.True(SystemDaemon.WaitFor(() => events.Any(e => e.Type == DomainEventType.Undefined)), "no undefined event arrived");
        }

        var types = events.Select(e => e.Type).ToList();
        int suspended = types.IndexOf(DomainEventType.Suspended);
        Assert.True(suspended > 0, string.Join(", ", types));
        // QEMU starts a guest's CPUs paused and then lets them run: the start brings a Resumed event with
        // its Started one, in whichever order the daemon saw them.
        Assert.Equal(DomainEventType.Defined, types[0]);
        Assert.Equal([DomainEventType.Started, DomainEventType.Resumed], types[1..suspended].Order());
        // Destroying the guest signals QEMU, which may still report its own shutdown before it dies.
        var afterStart = types[suspended..];
        Assert.True(afterStart.Count(t => t == DomainEventType.Shutdown) <= 1, string.Join(", ", types));
        Assert.Equal([DomainEventType.Suspended, DomainEventType.Resumed, DomainEventType.Stopped, DomainEventType.Undefined],
            afterStart.Where(t => t != DomainEventType.Shutdown));
        Assert.Equal(1, events.Single(e => e.Type == DomainEventType.Stopped).Detail); // VIR_DOMAIN_EVENT_STOPPED_DESTROYED
        Assert.All(events, e => Assert.Matches("^[0-9a-f-]{36}$", e.DomainUuid));
    }

    [Fact]
    public void Unsubscribed_handlers_hear_nothing_more()
    {
        using var conn = SystemDaemon.Open();
        string first = SystemDaemon.UniqueName("one"), second = SystemDaemon.UniqueName("two");
        var heardByOld = new ConcurrentQueue<string>();
        var subscription = conn.SubscribeLifecycleEvents(e => heardByOld.Enqueue(e.DomainName));
        using (new OwnedDomain(conn.DefineDomain(SystemDaemon.Runnable(first).ToXml())))
            Assert.True(SystemDaemon.WaitFor(() => heardByOld.Contains(first)));

        subscription.Dispose();
        var heardByNew = new ConcurrentQueue<string>();
        using (conn.SubscribeLifecycleEvents(e => heardByNew.Enqueue(e.DomainName)))
        using (new OwnedDomain(conn.DefineDomain(SystemDaemon.Runnable(second).ToXml())))
            Assert.True(SystemDaemon.WaitFor(() => heardByNew.Contains(second)));

        Assert.DoesNotContain(second, heardByOld);
    }
}
