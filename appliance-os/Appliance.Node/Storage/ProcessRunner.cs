using System.Diagnostics;

namespace Appliance.Node.Storage;

/// <summary>Runs a host tool without a shell (arguments are never parsed by one) and captures its output.</summary>
public static class ProcessRunner
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ToolFailedException(fileName, $"cannot run {fileName}: {e.Message}; is it installed?");
        }
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs the tool and throws, with its own error text, when it fails.</summary>
    public static async Task<string> RunCheckedAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var list = arguments.ToList();
        var result = await RunAsync(fileName, list, cancellationToken);
        if (result.ExitCode != 0)
            throw new ToolFailedException(fileName,
                $"{fileName} {string.Join(' ', list)} failed (exit {result.ExitCode}): {FirstLines(result.StandardError.Length > 0 ? result.StandardError : result.StandardOutput)}");
        return result.StandardOutput;
    }

    private static string FirstLines(string text) => string.Join(" ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(3)).Trim();
}

/// <summary>A host tool (qemu-img, genisoimage, ovs-vsctl) failed; the message carries its error output.</summary>
public sealed class ToolFailedException(string tool, string message) : Exception(message)
{
    public string Tool { get; } = tool;
}
