namespace Appliance.Ipmi.Session;

/// <summary>
/// The receive side of an RMCP+ session sequence number: accepts a number up to 16 above the highest
/// seen, or up to 16 below it when not seen before (IPMI v2.0 section 6.12.13 and appendix A);
/// everything else, and 0, is a replay or out of window.
/// </summary>
internal struct SequenceWindow
{
    public const int Width = 16;

    private uint _highest;
    private uint _seenBelow; // bit i set: (_highest - 1 - i) was received
    private bool _started;

    public readonly uint Highest => _highest;

    public bool TryAccept(uint sequence)
    {
        if (sequence == 0)
        {
            return false;
        }

        if (!_started)
        {
            // The first authenticated packet fixes the start; its AuthCode was already verified.
            _started = true;
            _highest = sequence;
            _seenBelow = 0;
            return true;
        }

        int delta = (int)(sequence - _highest);
        if (delta > 0)
        {
            if (delta > Width)
            {
                return false;
            }

            _seenBelow = delta >= 32 ? 0 : (_seenBelow << delta) | (1u << (delta - 1));
            _highest = sequence;
            return true;
        }

        int behind = -delta;
        if (behind == 0 || behind > Width)
        {
            return false;
        }

        uint bit = 1u << (behind - 1);
        if ((_seenBelow & bit) != 0)
        {
            return false;
        }

        _seenBelow |= bit;
        return true;
    }
}
