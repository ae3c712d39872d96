using System.Diagnostics;

namespace Appliance.Images.Tests;

/// <summary>Runs a real program (ipmitool, curl, the image build) and collects what it printed.</summary>
public static class Tool
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static async Task<Result> RunAsync(string program, IEnumerable<string> args, TimeSpan limit, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + program);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {limit}: {await stdout}{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Polls until <paramref name="check"/> returns a value, or fails with what it last saw.</summary>
    public static async Task<T> WaitForAsync<T>(string what, TimeSpan limit, Func<Task<T?>> check, Func<string>? context = null)
        where T : class
    {
        DateTime end = DateTime.UtcNow + limit;
        Exception? last = null;
        while (DateTime.UtcNow < end)
        {
            try
            {
                if (await check() is T value)
                {
                    return value;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Text.Json.JsonException)
            {
                last = e;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        throw new TimeoutException($"{what}: not within {limit} ({last?.Message}){(context is null ? "" : "\n" + context())}");
    }
}
