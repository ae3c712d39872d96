using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Appliance.Ipmi.Tests;

/// <summary>An in-memory account store with a failure-count lockout, standing in for the BMC's.</summary>
public sealed class TestUserDirectory : IIpmiUserDirectory
{
    private readonly ConcurrentDictionary<string, IpmiUser> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset LockedUntil)> _failures = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public TestUserDirectory(TimeProvider? time = null, int lockoutThreshold = 3, TimeSpan? lockoutDuration = null)
    {
        _time = time ?? TimeProvider.System;
        LockoutThreshold = lockoutThreshold;
        LockoutDuration = lockoutDuration ?? TimeSpan.FromMinutes(5);
    }

    public int LockoutThreshold { get; }

    public TimeSpan LockoutDuration { get; }

    public ConcurrentQueue<string> FailureLog { get; } = new();

    public TestUserDirectory Add(byte id, string name, string password, PrivilegeLevel max, bool enabled = true)
    {
        _users[name] = new IpmiUser(id, name, Encoding.ASCII.GetBytes(password), max, enabled, true);
        return this;
    }

    public IpmiUser? FindUser(string name, byte channelNumber) => _users.GetValueOrDefault(name);

    public bool IsLockedOut(string name, IPAddress source) =>
        _failures.TryGetValue(name, out var f) && f.LockedUntil > _time.GetUtcNow();

    public void RecordAuthenticationFailure(string name, IPAddress source)
    {
        FailureLog.Enqueue(name);
        _failures.AddOrUpdate(
            name,
            _ => (1, LockoutThreshold <= 1 ? _time.GetUtcNow() + LockoutDuration : DateTimeOffset.MinValue),
            (_, f) =>
            {
                int failures = f.Failures + 1;
                return (failures, failures >= LockoutThreshold ? _time.GetUtcNow() + LockoutDuration : f.LockedUntil);
            });
    }

    public void RecordAuthenticationSuccess(string name, IPAddress source) => _failures.TryRemove(name, out _);
}
