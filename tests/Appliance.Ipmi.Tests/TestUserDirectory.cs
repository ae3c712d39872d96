using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Appliance.Ipmi.Tests;

/// <summary>
/// An in-memory account store standing in for the BMC's. It has no lockout policy of its own:
/// which names are locked out is the test's to say (<see cref="Lock"/>), so that tests see what the
/// session layer does with a lockout; the BMC's policy is tested with the BMC.
/// </summary>
public sealed class TestUserDirectory : IIpmiUserDirectory
{
    private readonly ConcurrentDictionary<string, IpmiUser> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _locked = new(StringComparer.Ordinal);

    /// <summary>Every failure the session layer reported, by name, in order.</summary>
    public ConcurrentQueue<string> FailureLog { get; } = new();

    /// <summary>Every success the session layer reported, by name, in order.</summary>
    public ConcurrentQueue<string> SuccessLog { get; } = new();

    public TestUserDirectory Add(byte id, string name, string password, PrivilegeLevel max, bool enabled = true)
    {
        _users[name] = new IpmiUser(id, name, Encoding.ASCII.GetBytes(password), max, enabled, true);
        return this;
    }

    /// <summary>From now on the store says the name is locked out, until <see cref="Unlock"/>.</summary>
    public void Lock(string name) => _locked[name] = true;

    public void Unlock(string name) => _locked.TryRemove(name, out _);

    public IpmiUser? FindUser(string name, byte channelNumber) => _users.GetValueOrDefault(name);

    public bool IsLockedOut(string name, IPAddress source) => _locked.ContainsKey(name);

    public void RecordAuthenticationFailure(string name, IPAddress source) => FailureLog.Enqueue(name);

    public void RecordAuthenticationSuccess(string name, IPAddress source) => SuccessLog.Enqueue(name);
}
