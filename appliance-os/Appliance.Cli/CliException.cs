namespace Appliance.Cli;

/// <summary>A failure to tell the user in one line (exit status 1).</summary>
public sealed class CliException(string message) : Exception(message);
