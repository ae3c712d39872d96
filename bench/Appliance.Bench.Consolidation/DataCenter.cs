namespace Appliance.Bench.Consolidation;

public enum HostPower
{
    Off,
    Booting,
    On,
    ShuttingDown,
}

/// <summary>
/// The simulated data centre: hosts, VMs, the trace's demand, and time. A policy acts on it at
/// <see cref="Now"/>; migrations, boots and shutdowns finish later, as events. Energy and the SLA
/// figures are integrated exactly between events: a VM's demand is constant over each trace step.
/// </summary>
public sealed class DataCenter
{
    private readonly PriorityQueue<Event, (double Time, long Seq)> events = new();
    private readonly double[] accountedTo;
    private readonly bool[] offWhenEmpty;
    private readonly List<int>[] waitingForBoot;
    private readonly double[] activeSeconds;
    private readonly double[] violationSeconds;
    private readonly double[] requestedMipsSeconds;
    private readonly double[] degradedMipsSeconds;
    private readonly bool[] ended;
    private long sequence;
    private bool starting = true;
    private bool nonPowerAware;
    private double energyJoules;

    /// <param name="vmTypes">Each VM's type; by default the paper's four, in contiguous quarters.</param>
    public DataCenter(Trace trace, IReadOnlyList<HostModel> hosts, Rules rules, IReadOnlyList<VmType>? vmTypes = null)
    {
        Trace = trace;
        Rules = rules;
        Hosts = [.. hosts];
        VmTypes = vmTypes is null
            ? Enumerable.Range(0, trace.VmCount).Select(v => VmType.For(v, trace.VmCount)).ToArray()
            : vmTypes.Count == trace.VmCount ? [.. vmTypes] : throw new ArgumentException("one VM type per VM of the trace", nameof(vmTypes));
        int h = Hosts.Length, v = trace.VmCount;
        Power = new HostPower[h];
        StateSince = new double[h];
        Vms = Enumerable.Range(0, h).Select(_ => new List<int>()).ToArray();
        Incoming = Enumerable.Range(0, h).Select(_ => new List<int>()).ToArray();
        MemoryUsed = new long[h];
        accountedTo = new double[h];
        offWhenEmpty = new bool[h];
        waitingForBoot = Enumerable.Range(0, h).Select(_ => new List<int>()).ToArray();
        activeSeconds = new double[h];
        violationSeconds = new double[h];
        VmHost = Enumerable.Repeat(-1, v).ToArray();
        VmTarget = Enumerable.Repeat(-1, v).ToArray();
        Demand = new double[v];
        requestedMipsSeconds = new double[v];
        degradedMipsSeconds = new double[v];
        ended = new bool[v];
        SetDemand(0);
    }

    public Trace Trace { get; }

    public Rules Rules { get; }

    public HostModel[] Hosts { get; }

    public VmType[] VmTypes { get; }

    public int Step { get; private set; }

    public double Now { get; private set; }

    public double StepEnd => (Step + 1) * Trace.IntervalSeconds;

    public HostPower[] Power { get; }

    /// <summary>When each host entered its power state, in seconds from the start of the day.</summary>
    public double[] StateSince { get; }

    /// <summary>The VMs running on each host, in the order they arrived (those migrating away included).</summary>
    public List<int>[] Vms { get; }

    /// <summary>The VMs migrating to each host.</summary>
    public List<int>[] Incoming { get; }

    /// <summary>Memory each host holds for its VMs under the rules, MB.</summary>
    public long[] MemoryUsed { get; }

    public int[] VmHost { get; }

    /// <summary>Where each VM is migrating to (or waiting for a booting host to migrate to), or -1.</summary>
    public int[] VmTarget { get; }

    /// <summary>Each VM's CPU demand this step, MIPS.</summary>
    public double[] Demand { get; }

    public int Migrations { get; private set; }

    public int PowerOns { get; private set; }

    public int PowerOffs { get; private set; }

    /// <summary>True when the host's power-off is waiting for its VMs to leave.</summary>
    public bool PoweringOffWhenEmpty(int h) => offWhenEmpty[h];

    /// <summary>The memory a VM holds on a host now: all of it under real rules, only at first placement under CloudSim's.</summary>
    public long HeldMemory(int v) => starting || Rules.MemoryHeldWhileRunning ? VmTypes[v].MemoryMb : 0;

    public double NextEventTime => events.TryPeek(out _, out (double Time, long Seq) at) ? at.Time : double.PositiveInfinity;

    /// <summary>Every host on, billed at its maximum draw when the rules say so (CloudSim's non-power-aware data centre).</summary>
    public void RunNonPowerAware()
    {
        nonPowerAware = true;
        for (int h = 0; h < Hosts.Length; h++)
        {
            if (Power[h] == HostPower.Off)
            {
                PowerOnAtStart(h);
            }
        }
    }

    /// <summary>At the start of the day: the host is already on (not counted as a power-on).</summary>
    public void PowerOnAtStart(int h)
    {
        RequireStarting();
        Power[h] = HostPower.On;
    }

    /// <summary>At the start of the day: the VM already runs on the host.</summary>
    public void PlaceAtStart(int v, int h)
    {
        RequireStarting();
        if (Power[h] != HostPower.On || VmHost[v] >= 0)
        {
            throw new InvalidOperationException($"VM {v} cannot start on host {h}: host {Power[h]}, VM on {VmHost[v]}");
        }

        if (MemoryUsed[h] + HeldMemory(v) > Hosts[h].MemoryMb)
        {
            throw new InvalidOperationException($"VM {v} ({VmTypes[v].MemoryMb} MB) does not fit host {h}'s memory");
        }

        VmHost[v] = h;
        Vms[h].Add(v);
        MemoryUsed[h] += HeldMemory(v);
    }

    /// <summary>Ends the start of the day: every VM must have a host; from now on the rules' memory applies.</summary>
    public void FinishStart()
    {
        RequireStarting();
        int unplaced = Array.IndexOf(VmHost, -1);
        if (unplaced >= 0)
        {
            throw new InvalidOperationException($"VM {Trace.Names[unplaced]} was not placed at the start of the day");
        }

        starting = false;
        if (!Rules.MemoryHeldWhileRunning)
        {
            Array.Clear(MemoryUsed);
        }
    }

    /// <summary>Starts the next trace step: what has run so far is accounted for at the old demand.</summary>
    public void BeginStep(int step)
    {
        if (step != 0)
        {
            AdvanceTo(step * Trace.IntervalSeconds);
            AccountAll();
            Step = step;
            SetDemand(step);
            if (step == 1 && Rules.MeteredFromSecondStep)
            {
                ResetMeters();
            }

            if (Rules.ZeroRequestEndsVm)
            {
                EndIdleVms(step);
            }
        }
    }

    /// <summary>Seconds each host was active and short of CPU, for the decision log.</summary>
    public (double Active, double Short) HostMeters(int h) => (activeSeconds[h], violationSeconds[h]);

    /// <summary>True once CloudSim's rules have ended the VM (see <see cref="Rules.ZeroRequestEndsVm"/>).</summary>
    public bool Ended(int v) => ended[v];

    private void EndIdleVms(int step)
    {
        int next = Math.Min(step + 1, Trace.Steps - 1);
        for (int v = 0; v < ended.Length; v++)
        {
            int h = VmHost[v];
            if (!ended[v] && VmTarget[v] < 0 && h >= 0 && Trace.Utilization[v][step] == 0 && Trace.Utilization[v][next] == 0)
            {
                ended[v] = true;
                Vms[h].Remove(v);
                MemoryUsed[h] -= HeldMemory(v);
                VmHost[v] = -1;
            }
        }
    }

    private void ResetMeters()
    {
        energyJoules = 0;
        Array.Clear(activeSeconds);
        Array.Clear(violationSeconds);
        Array.Clear(requestedMipsSeconds);
        Array.Clear(degradedMipsSeconds);
    }

    /// <summary>Runs every event up to time t.</summary>
    public void AdvanceTo(double t)
    {
        while (events.TryPeek(out Event? next, out (double Time, long Seq) at) && at.Time <= t)
        {
            events.Dequeue();
            Now = Math.Max(Now, at.Time);
            Handle(next);
        }

        Now = Math.Max(Now, t);
    }

    /// <summary>Ends the day: everything is accounted for up to the end of the last step.</summary>
    public RunResult Finish(string policy, double seconds)
    {
        AdvanceTo(Trace.Steps * Trace.IntervalSeconds);
        AccountAll();
        double slatah = 0, pooledViolation = 0, pooledActive = 0;
        int activeHosts = 0;
        for (int h = 0; h < Hosts.Length; h++)
        {
            if (activeSeconds[h] > 0)
            {
                slatah += violationSeconds[h] / activeSeconds[h];
                activeHosts++;
                pooledViolation += violationSeconds[h];
                pooledActive += activeSeconds[h];
            }
        }

        double pdm = 0, pooledDegraded = 0, pooledRequested = 0;
        int vms = 0;
        for (int v = 0; v < VmHost.Length; v++)
        {
            if (requestedMipsSeconds[v] > 0)
            {
                pdm += degradedMipsSeconds[v] / requestedMipsSeconds[v];
                vms++;
                pooledDegraded += degradedMipsSeconds[v];
                pooledRequested += requestedMipsSeconds[v];
            }
        }

        slatah = activeHosts > 0 ? slatah / activeHosts : 0;
        pdm = vms > 0 ? pdm / vms : 0;
        double kwh = energyJoules / 3.6e6;
        return new RunResult
        {
            Rules = Rules.Name,
            Policy = policy,
            KWh = kwh,
            Slatah = slatah,
            Pdm = pdm,
            Slav = slatah * pdm,
            Esv = kwh * slatah * pdm,
            Migrations = Migrations,
            PowerOns = PowerOns,
            PowerOffs = PowerOffs,
            Seconds = seconds,
            Trace = Trace.Folder,
            SlatahPooled = pooledActive > 0 ? pooledViolation / pooledActive : 0,
            PdmPooled = pooledRequested > 0 ? pooledDegraded / pooledRequested : 0,
        };
    }

    /// <summary>Powers a host on; it takes VMs once booted.</summary>
    public void PowerOn(int h)
    {
        RequireRunning();
        if (Power[h] != HostPower.Off)
        {
            throw new InvalidOperationException($"host {h} is {Power[h]}, not off");
        }

        Account(h);
        PowerOns++;
        if (Rules.BootSeconds <= 0)
        {
            BecomeOn(h);
        }
        else
        {
            Power[h] = HostPower.Booting;
            StateSince[h] = Now;
            Schedule(Now + Rules.BootSeconds, new Event(EventKind.BootDone, h));
        }
    }

    /// <summary>Starts a live migration of the VM to a host that is on.</summary>
    public void Migrate(int v, int to)
    {
        RequireRunning();
        if (Power[to] != HostPower.On)
        {
            throw new InvalidOperationException($"VM {v} cannot migrate to host {to}: it is {Power[to]}");
        }

        Reserve(v, to);
        Start(v);
    }

    /// <summary>Migrates the VM to the host, powering the host on first if it is off (CloudSim's policies wake hosts this way).</summary>
    public void MigrateWhenReady(int v, int to)
    {
        RequireRunning();
        if (Power[to] == HostPower.On)
        {
            Migrate(v, to);
            return;
        }

        if (Power[to] == HostPower.ShuttingDown)
        {
            throw new InvalidOperationException($"VM {v} cannot migrate to host {to}: it is shutting down");
        }

        Reserve(v, to);
        waitingForBoot[to].Add(v);
        if (Power[to] == HostPower.Off)
        {
            PowerOn(to);
        }
    }

    /// <summary>Powers the host off once no VM runs on it or is on its way to it.</summary>
    public void PowerOffWhenEmpty(int h)
    {
        RequireRunning();
        if (Power[h] != HostPower.On)
        {
            throw new InvalidOperationException($"host {h} is {Power[h]}, not on");
        }

        offWhenEmpty[h] = true;
        if (Empty(h))
        {
            ShutDown(h);
        }
    }

    private void Reserve(int v, int to)
    {
        int from = VmHost[v];
        if (VmTarget[v] >= 0 || from == to || from < 0)
        {
            throw new InvalidOperationException($"VM {v} cannot migrate from host {from} to host {to} (already going to {VmTarget[v]})");
        }

        long memory = HeldMemory(v);
        if (MemoryUsed[to] + memory > Hosts[to].MemoryMb)
        {
            throw new InvalidOperationException($"VM {v} ({memory} MB) does not fit host {to}: {MemoryUsed[to]} of {Hosts[to].MemoryMb} MB held");
        }

        Account(from);
        Account(to);
        MemoryUsed[to] += memory;
        VmTarget[v] = to;
        offWhenEmpty[to] = false;
    }

    private void Start(int v)
    {
        int to = VmTarget[v];
        Account(VmHost[v]);
        Account(to);
        Incoming[to].Add(v);
        Migrations++;
        Schedule(Now + Rules.MigrationSeconds(VmTypes[v].MemoryMb), new Event(EventKind.MigrationDone, v));
    }

    private void Handle(Event e)
    {
        switch (e.Kind)
        {
            case EventKind.MigrationDone:
                int v = e.Index, from = VmHost[v], to = VmTarget[v];
                Account(from);
                Account(to);
                Vms[from].Remove(v);
                Vms[to].Add(v);
                Incoming[to].Remove(v);
                MemoryUsed[from] -= HeldMemory(v);
                VmHost[v] = to;
                VmTarget[v] = -1;
                if (offWhenEmpty[from] && Empty(from))
                {
                    ShutDown(from);
                }

                break;
            case EventKind.BootDone:
                Account(e.Index);
                BecomeOn(e.Index);
                break;
            case EventKind.ShutdownDone:
                Account(e.Index);
                Power[e.Index] = HostPower.Off;
                StateSince[e.Index] = Now;
                break;
        }
    }

    private void BecomeOn(int h)
    {
        Power[h] = HostPower.On;
        StateSince[h] = Now;
        foreach (int v in waitingForBoot[h])
        {
            Start(v);
        }

        waitingForBoot[h].Clear();
    }

    private void ShutDown(int h)
    {
        Account(h);
        offWhenEmpty[h] = false;
        PowerOffs++;
        StateSince[h] = Now;
        if (Rules.ShutdownSeconds <= 0)
        {
            Power[h] = HostPower.Off;
        }
        else
        {
            Power[h] = HostPower.ShuttingDown;
            Schedule(Now + Rules.ShutdownSeconds, new Event(EventKind.ShutdownDone, h));
        }
    }

    private bool Empty(int h) => Vms[h].Count == 0 && Incoming[h].Count == 0 && waitingForBoot[h].Count == 0;

    private void AccountAll()
    {
        for (int h = 0; h < Hosts.Length; h++)
        {
            Account(h);
        }
    }

    /// <summary>Integrates the host's draw, activity, SLA time and its VMs' CPU from when it was last accounted to now.</summary>
    private void Account(int h)
    {
        double dt = Now - accountedTo[h];
        if (dt <= 0)
        {
            return;
        }

        accountedTo[h] = Now;
        HostModel host = Hosts[h];
        switch (Power[h])
        {
            case HostPower.Booting:
                energyJoules += host.IdleWatts * Rules.BootIdleSeconds / Rules.BootSeconds * dt;
                return;
            case HostPower.ShuttingDown:
                energyJoules += host.IdleWatts * dt;
                return;
            case HostPower.Off:
                return;
        }

        double load = 0;
        bool slowCore = false;
        foreach (int v in Vms[h])
        {
            double d = Demand[v];
            load += d;
            slowCore |= d > host.CoreMips;
            requestedMipsSeconds[v] += d * dt;
            if (VmTarget[v] >= 0 && !waitingForBoot[VmTarget[v]].Contains(v))
            {
                degradedMipsSeconds[v] += Rules.MigrationOverhead * d * dt;
            }
        }

        bool shortfall = false;
        foreach (int v in Incoming[h])
        {
            load += Rules.MigrationOverhead * Demand[v];
            shortfall |= Rules.IncomingMigrationIsShortfall && Demand[v] > 0;
        }

        bool violated = shortfall || slowCore || load > host.Mips * (1 + 1e-12);
        if (nonPowerAware && Rules.NonPowerAwareAtMaxPower)
        {
            energyJoules += host.MaxWatts * dt;
        }
        else if (load <= 0 && Rules.UnloadedHostDrawsNothing)
        {
            return;
        }
        else
        {
            energyJoules += host.Watts(load / host.Mips) * dt;
        }

        activeSeconds[h] += dt;
        if (violated)
        {
            violationSeconds[h] += dt;
        }
    }

    private void SetDemand(int step)
    {
        for (int v = 0; v < Demand.Length; v++)
        {
            Demand[v] = Trace.Utilization[v][step] / 100.0 * VmTypes[v].Mips;
        }
    }

    private void Schedule(double time, Event e) => events.Enqueue(e, (time, sequence++));

    private void RequireStarting()
    {
        if (!starting)
        {
            throw new InvalidOperationException("the start of the day is over");
        }
    }

    private void RequireRunning()
    {
        if (starting)
        {
            throw new InvalidOperationException("the day has not started: place every VM and call FinishStart first");
        }
    }

    private enum EventKind
    {
        MigrationDone,
        BootDone,
        ShutdownDone,
    }

    private sealed record Event(EventKind Kind, int Index);
}
