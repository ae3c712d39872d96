using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;

namespace Appliance.Bench.Ipmi;

/// <summary>
/// In-session Get Sensor Reading load: a number of sessions, each on a thread of its own with one
/// request in flight, as a console does. The sessions stay open from turn to turn.
/// </summary>
internal sealed class ReadingLoad : IDisposable
{
    private const byte SensorEventNetFn = (byte)NetFn.SensorEvent;
    private const byte GetSensorReading = SensorEventCommand.GetSensorReading;

    private readonly Target _target;
    private readonly List<LeanSession> _sessions;
    private readonly byte[] _request;
    private double _expectedRate = 150_000;

    private ReadingLoad(Target target, List<LeanSession> sessions, byte[] request)
    {
        _target = target;
        _sessions = sessions;
        _request = request;
    }

    public static ReadingLoad Open(Target t, int sessionCount, int suite, byte sensor)
    {
        var sessions = new List<LeanSession>();
        try
        {
            for (int i = 0; i < sessionCount; i++)
            {
                sessions.Add(LeanSession.Open(t.Port, t.User, t.Password, suite, PrivilegeLevel.User, t.Echo));
            }

            // An echoed request is read as its own answer, its first data byte as the completion code.
            byte[] request = [t.Echo ? (byte)0 : sensor];
            foreach (LeanSession s in sessions)
            {
                for (int i = 0; i < 500; i++)
                {
                    byte cc = s.Call(SensorEventNetFn, GetSensorReading, request); // warm-up
                    if (cc != 0)
                    {
                        throw new InvalidOperationException($"Get Sensor Reading answered {cc:X2}h");
                    }
                }
            }

            return new ReadingLoad(t, sessions, request);
        }
        catch
        {
            Close(sessions);
            throw;
        }
    }

    /// <summary>Sends requests on every session for <paramref name="duration"/>.</summary>
    public Slice Run(TimeSpan duration)
    {
        // Requests are built before the clock starts (twice as many as the last turn needed) and most
        // answers are only counted (one in 16 is checked in full), so the client spends its CPU on
        // little more than sending and receiving.
        int perSession = (int)(_expectedRate * duration.TotalSeconds / _sessions.Count) + 2_000;
        var prepared = _sessions.Select(s => s.Prepare(SensorEventNetFn, GetSensorReading, _request, perSession)).ToList();
        Exception? failure = null;
        Slice slice = Slice.Measure(_target, () =>
        {
            long count = 0;
            var watch = Stopwatch.StartNew();
            var threads = _sessions.Select((s, n) => new Thread(() =>
            {
                long mine = 0;
                int expectedLength = 0;
                LeanSession.Prepared requests = prepared[n];
                try
                {
                    for (int i = 0; i < requests.Count && watch.Elapsed < duration; i++)
                    {
                        if (!s.Send(requests, i, 16, ref expectedLength))
                        {
                            throw new InvalidOperationException("Get Sensor Reading did not answer 00h");
                        }

                        mine++;
                    }
                }
                catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
                {
                    failure = e;
                }

                s.Unsent(requests, mine);
                Interlocked.Add(ref count, mine);
            })).ToList();
            threads.ForEach(th => th.Start());
            threads.ForEach(th => th.Join());
            return count;
        });
        if (failure is not null)
        {
            throw failure;
        }

        _expectedRate = Math.Max(50_000, 2 * slice.Count / slice.Elapsed.TotalSeconds);
        return slice;
    }

    public void Dispose() => Close(_sessions);

    private static void Close(List<LeanSession> sessions)
    {
        foreach (LeanSession s in sessions)
        {
            try
            {
                s.Close();
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                // The server may already have dropped it; it would expire there anyway.
            }

            s.Dispose();
        }
    }
}

/// <summary>Open Session, RAKP 1-4, Close Session, over and over, from each client at once.</summary>
internal static class SessionLoad
{
    public static Slice Run(Target t, int clients, TimeSpan duration)
    {
        Exception? failure = null;
        Slice slice = Slice.Measure(t, () =>
        {
            long count = 0;
            var watch = Stopwatch.StartNew();
            var threads = Enumerable.Range(0, clients).Select(_ => new Thread(() =>
            {
                long mine = 0;
                try
                {
                    while (watch.Elapsed < duration)
                    {
                        using LeanSession s = LeanSession.Open(t.Port, t.User, t.Password, 3, PrivilegeLevel.Administrator, t.Echo);
                        s.Close();
                        mine++;
                    }
                }
                catch (Exception e) when (e is IOException or SocketException)
                {
                    failure = e;
                }

                Interlocked.Add(ref count, mine);
            })).ToList();
            threads.ForEach(th => th.Start());
            threads.ForEach(th => th.Join());
            return count;
        });
        return failure is null ? slice : throw failure;
    }
}

/// <summary>One whole ipmitool process, as a script or an operator runs it.</summary>
internal static class Ipmitool
{
    public static Slice Run(Target t, int suite) => Slice.Measure(t, () =>
    {
        var psi = new ProcessStartInfo("ipmitool")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "-I", "lanplus", "-H", "127.0.0.1", "-p", t.Port.ToString(CultureInfo.InvariantCulture), "-U", t.User, "-P", t.Password, "-C", suite.ToString(CultureInfo.InvariantCulture), "chassis", "status" })
        {
            psi.ArgumentList.Add(a);
        }

        using Process process = Process.Start(psi)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !output.Contains("System Power", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(error.Result.Trim());
        }

        return 1;
    });
}
