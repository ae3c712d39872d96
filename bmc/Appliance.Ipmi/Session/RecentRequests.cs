namespace Appliance.Ipmi.Session;

internal enum RequestVerdict
{
    /// <summary>Not seen before: execute it.</summary>
    New,
    /// <summary>A retransmission of a request still being handled: its response is on the way.</summary>
    DuplicateInFlight,
    /// <summary>A retransmission of an answered request: send the same answer again, do not execute twice.</summary>
    DuplicateAnswered,
}

/// <summary>
/// Recognises retransmitted requests (same rqSeq, NetFn/LUN, command and data, shortly after the
/// original and with few requests in between) so that, for example, a Chassis Control power cycle is
/// never executed twice because its response was lost. A reused rqSeq after the console cycled
/// through the others is a new request.
/// FreeIPMI gives every retransmission a new rqSeq. While the original is still being handled, an
/// identical request under another rqSeq can only be such a retransmission (consoles keep one
/// request in flight per session), so it joins the original and is answered with its result. Once
/// the original has been answered, the spec's rule holds: another rqSeq is another request.
/// </summary>
internal sealed class RecentRequests
{
    /// <summary>Consoles allocate rqSeq in order over 64 values; a reuse closer than this is a retransmission.</summary>
    public const int MaxRequestsBetween = 32;

    // Made at the first request recorded: a session that is only opened and closed never needs it.
    private Slot[]? _slots;
    private readonly Lock _sync = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private long _requestNumber;
    private int _lastNew = -1;

    public RecentRequests(TimeProvider time, TimeSpan window)
    {
        _time = time;
        _window = window;
    }

    public RequestVerdict Check(byte rqSeq, byte netFnLun, byte command, ReadOnlySpan<byte> data, long now, Span<byte> answer, out byte completionCode, out int answerLength)
    {
        completionCode = 0;
        answerLength = 0;
        uint hash = Hash(data);
        lock (_sync)
        {
            Slot[] slots = _slots ??= new Slot[64];
            long number = ++_requestNumber;
            int index = rqSeq & 0x3F;
            ref Slot slot = ref slots[index];
            if (IsRepeat(slot, netFnLun, command, data.Length, hash, now) && number - slot.RequestNumber <= MaxRequestsBetween)
            {
                if (!slot.Answered)
                {
                    return RequestVerdict.DuplicateInFlight;
                }

                if (slot.AnswerLength <= answer.Length)
                {
                    completionCode = slot.CompletionCode;
                    answerLength = slot.AnswerLength;
                    slot.Answer.AsSpan(0, answerLength).CopyTo(answer);
                    return RequestVerdict.DuplicateAnswered;
                }
            }

            if (_lastNew >= 0 && _lastNew != index)
            {
                ref Slot original = ref slots[_lastNew];
                if (!original.Answered && IsRepeat(original, netFnLun, command, data.Length, hash, now))
                {
                    original.Followers |= 1UL << index;
                    Remember(ref slot, netFnLun, command, data.Length, hash, number, now);
                    return RequestVerdict.DuplicateInFlight;
                }
            }

            Remember(ref slot, netFnLun, command, data.Length, hash, number, now);
            _lastNew = index;
            return RequestVerdict.New;
        }
    }

    /// <summary>Records the answer to <paramref name="rqSeq"/>; returns the rqSeqs of retransmissions that joined it (bit n for rqSeq n), which are owed the same answer.</summary>
    public ulong Answered(byte rqSeq, byte netFnLun, byte command, byte completionCode, ReadOnlySpan<byte> answer)
    {
        lock (_sync)
        {
            Slot[]? slots = _slots;
            if (slots is null)
            {
                return 0;
            }

            ref Slot slot = ref slots[rqSeq & 0x3F];
            if (!slot.Used || slot.NetFnLun != netFnLun || slot.Command != command)
            {
                return 0;
            }

            Keep(ref slot, completionCode, answer);
            ulong followers = slot.Followers;
            slot.Followers = 0;
            for (ulong rest = followers; rest != 0; rest &= rest - 1)
            {
                ref Slot follower = ref slots[System.Numerics.BitOperations.TrailingZeroCount(rest)];
                if (follower.Used && !follower.Answered && follower.NetFnLun == netFnLun && follower.Command == command)
                {
                    Keep(ref follower, completionCode, answer);
                }
            }

            return followers;
        }
    }

    /// <summary>Whether <paramref name="slot"/> holds a request with this NetFn/LUN, command and data, received within the window.</summary>
    private bool IsRepeat(in Slot slot, byte netFnLun, byte command, int dataLength, uint hash, long now) =>
        slot.Used && slot.NetFnLun == netFnLun && slot.Command == command && slot.DataLength == dataLength && slot.DataHash == hash
        && _time.GetElapsedTime(slot.ReceivedAt, now) <= _window;

    private static void Remember(ref Slot slot, byte netFnLun, byte command, int dataLength, uint hash, long number, long now)
    {
        slot.Used = true;
        slot.NetFnLun = netFnLun;
        slot.Command = command;
        slot.DataLength = dataLength;
        slot.DataHash = hash;
        slot.RequestNumber = number;
        slot.ReceivedAt = now;
        slot.Answered = false;
        slot.Followers = 0;
    }

    private static void Keep(ref Slot slot, byte completionCode, ReadOnlySpan<byte> answer)
    {
        if (slot.Answer is null || slot.Answer.Length < answer.Length)
        {
            slot.Answer = new byte[Math.Max(32, answer.Length)];
        }

        answer.CopyTo(slot.Answer);
        slot.AnswerLength = answer.Length;
        slot.CompletionCode = completionCode;
        slot.Answered = true;
    }

    private static uint Hash(ReadOnlySpan<byte> data)
    {
        uint h = 2166136261; // FNV-1a: only needs to tell retransmissions from different requests
        foreach (byte b in data)
        {
            h = (h ^ b) * 16777619;
        }

        return h;
    }

    private struct Slot
    {
        public bool Used;
        public bool Answered;
        public byte NetFnLun;
        public byte Command;
        public byte CompletionCode;
        public int DataLength;
        public uint DataHash;
        public long RequestNumber;
        public long ReceivedAt;
        public byte[]? Answer;
        public int AnswerLength;
        /// <summary>Retransmissions under other rqSeqs waiting for this request's answer, bit n for rqSeq n.</summary>
        public ulong Followers;
    }
}
