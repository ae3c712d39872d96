using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Appliance.Hw.Sim.Host;

/// <summary>
/// Makes the board process the subreaper of what its host runs: daemons the host side starts (and
/// leaves orphaned when their parent exits) become children of the board instead of the machine's
/// init, and the board reaps them once they have ended, so no zombie of a host outlives its power
/// cycle even where PID 1 reaps nothing (as in some containers). Processes the board starts itself
/// through <see cref="Start"/> are left to .NET, which waits for them.
/// </summary>
public static partial class ChildReaper
{
    private const int PrSetChildSubreaper = 36;
    private const int WNoHang = 1;

    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Started = [];
    private static ITimer? _timer;

    /// <summary>Marks this process as a subreaper and reaps ended orphans once a second from now on.</summary>
    public static void BecomeSubreaper()
    {
        lock (Gate)
        {
            if (_timer is not null)
            {
                return;
            }

            if (prctl(PrSetChildSubreaper, 1, 0, 0, 0) != 0)
            {
                throw new InvalidOperationException($"prctl(PR_SET_CHILD_SUBREAPER) failed: errno {Marshal.GetLastPInvokeError()}");
            }

            _timer = TimeProvider.System.CreateTimer(_ => Reap(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Starts a process whose end .NET waits for (so the reaper leaves it alone).</summary>
    public static Process Start(ProcessStartInfo start)
    {
        lock (Gate)
        {
            Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {start.FileName}");
            Started.Add(process.Id);
            return process;
        }
    }

    /// <summary>A process from <see cref="Start"/> has been waited for; its pid may now belong to anyone.</summary>
    public static void Forget(int pid)
    {
        lock (Gate)
        {
            Started.Remove(pid);
        }
    }

    private static void Reap()
    {
        int self = Environment.ProcessId;
        lock (Gate)
        {
            foreach (string entry in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || Started.Contains(pid))
                {
                    continue;
                }

                string stat;
                try
                {
                    stat = File.ReadAllText(Path.Combine(entry, "stat"));
                }
                catch (IOException)
                {
                    continue;
                }

                // pid (comm) state ppid ...: comm may hold spaces and parentheses, so parse from the last ')'.
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields.Length > 1 && fields[0] == "Z" && fields[1] == self.ToString(CultureInfo.InvariantCulture))
                {
                    _ = waitpid(pid, out _, WNoHang);
                }
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitpid(int pid, out int status, int options);
}
