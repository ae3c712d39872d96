namespace Appliance.Bmc.FrontPanel;

/// <summary>How to log in after a factory reset.</summary>
/// <param name="GeneratedPassword">The new administrator password when one was generated (shown once); null when it is the configured one.</param>
public sealed record FactoryResetResult(string AdminUser, string? GeneratedPassword);
