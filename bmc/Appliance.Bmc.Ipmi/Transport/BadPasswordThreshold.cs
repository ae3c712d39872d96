using System.Buffers.Binary;
using Appliance.Bmc.Accounts;

namespace Appliance.Bmc.Ipmi.Transport;

/// <summary>
/// LAN configuration parameter 26, Bad Password Threshold (IPMI v2.0 rev. 1.1): the account
/// store's lockout policy, the same one Redfish's AccountService shows, in IPMI's encoding —
/// the threshold, then the attempt count reset interval and the user lockout interval in tens
/// of seconds. This BMC always logs a Session Audit "invalid password disable" event when an
/// account is locked out, so that enable bit reads 1 and may not be cleared.
/// </summary>
public static class BadPasswordThreshold
{
    public const int Length = 6;
    private const byte GenerateSessionAuditEvent = 0x01;

    // The account policy's own ranges, so that IPMI and Redfish can set every value the other shows.
    private static readonly int MaxIntervalTens = (int)(AccountPolicy.MaxLockoutInterval.TotalSeconds / 10);

    public static byte[] Read(AccountPolicy policy)
    {
        byte[] data = new byte[Length];
        data[0] = GenerateSessionAuditEvent;
        data[1] = (byte)Math.Min(policy.AccountLockoutThreshold, byte.MaxValue);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2), Tens(policy.AccountLockoutCounterResetAfter));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(4), Tens(policy.AccountLockoutDuration));
        return data;
    }

    /// <summary>The policy with the parameter's values, or null when they are out of range or conflict.</summary>
    public static AccountPolicy? Apply(AccountPolicy policy, ReadOnlySpan<byte> data)
    {
        int resetTens = BinaryPrimitives.ReadUInt16LittleEndian(data[2..]);
        int lockoutTens = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        if (data[0] != GenerateSessionAuditEvent || data[1] > AccountPolicy.MaxLockoutThreshold || resetTens > MaxIntervalTens || lockoutTens > MaxIntervalTens)
        {
            return null;
        }

        AccountPolicy next = policy with
        {
            AccountLockoutThreshold = data[1],
            AccountLockoutCounterResetAfter = TimeSpan.FromSeconds(resetTens * 10),
            AccountLockoutDuration = TimeSpan.FromSeconds(lockoutTens * 10),
        };
        return next.LockoutIntervalsAgree ? next : null;
    }

    private static ushort Tens(TimeSpan span) => (ushort)Math.Min(Math.Round(span.TotalSeconds / 10, MidpointRounding.AwayFromZero), ushort.MaxValue);
}
