using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.Messages;
using Appliance.Ipmi.Rmcp;
using Appliance.Ipmi.Session;

namespace Appliance.Ipmi.Server;

/// <summary>Packets on an active session: verify, check the sequence window, decrypt, dispatch, answer.</summary>
public sealed partial class IpmiServer
{
    private void HandleInSessionPacket(Span<byte> datagram, in SessionPacket packet, SocketAddress from)
    {
        // A session's packets count only on the endpoint it was opened on.
        var session = _sessions.Find(packet.SessionId);
        var crypto = session?.Crypto;
        if (session is null || crypto is null || session.State != SessionState.Active || session.Server != this)
        {
            Drop();
            return;
        }

        // Every session negotiated here has integrity and confidentiality; anything less is refused.
        if (!packet.Authenticated || !packet.Encrypted || packet.PayloadType is not (PayloadType.Ipmi or PayloadType.Sol))
        {
            Drop();
            return;
        }

        byte[] plain = ArrayPool<byte>.Shared.Rent(Math.Max(packet.PayloadLength, 16));
        bool handedOff = false;
        try
        {
            int plainLength;
            lock (crypto.Sync)
            {
                if (crypto.IsDisposed)
                {
                    Drop();
                    return;
                }

                if (!SessionPacketCodec.VerifyIntegrity(datagram, packet, crypto))
                {
                    Interlocked.Increment(ref Statistics.IntegrityFailuresCount);
                    Drop();
                    return;
                }

                if (!session.Window.TryAccept(packet.Sequence))
                {
                    Interlocked.Increment(ref Statistics.ReplaysRejectedCount);
                    Drop();
                    return;
                }

                if (!crypto.TryDecrypt(datagram.Slice(packet.PayloadOffset, packet.PayloadLength), plain, out plainLength))
                {
                    Interlocked.Increment(ref Statistics.IntegrityFailuresCount);
                    Drop();
                    return;
                }
            }

            session.Touch(_time.GetTimestamp());
            session.ReceivedInSession = true;
            if (!from.Equals(session.RemoteAddress))
            {
                session.RemoteAddress = Copy(from);
                session.RemoteEndPoint = ToEndPoint(from);
                session.Context!.RemoteEndPoint = session.RemoteEndPoint;
            }

            if (packet.PayloadType == PayloadType.Sol)
            {
                HandleSolPacket(session, plain.AsSpan(0, plainLength));
                return;
            }

            if (!IpmiLanMessage.TryParseRequest(plain.AsSpan(0, plainLength), out var request, out int dataOffset, out int dataLength))
            {
                Drop();
                return;
            }

            handedOff = Dispatch(session, request, plain, dataOffset, dataLength);
        }
        finally
        {
            if (!handedOff)
            {
                ArrayPool<byte>.Shared.Return(plain);
            }
        }
    }

    /// <summary>Answers one in-session request. True when an async handler took over <paramref name="buffer"/>.</summary>
    private bool Dispatch(ServerSession session, in LanRequestHeader request, byte[] buffer, int dataOffset, int dataLength)
    {
        var context = session.Context!;
        ReadOnlySpan<byte> data = buffer.AsSpan(dataOffset, dataLength);
        if (ClosesItself(session, request, data))
        {
            HandleSessionLayerCommand(session, request, data);
            return false;
        }

        Span<byte> cached = stackalloc byte[256];
        var verdict = session.Recent.Check(request.RqSeq, request.NetFnLun, request.Command, data, _time.GetTimestamp(), cached, out byte cachedCode, out int cachedLength);
        if (verdict != RequestVerdict.New)
        {
            Interlocked.Increment(ref Statistics.DuplicateRequestsCount);
            if (verdict == RequestVerdict.DuplicateAnswered)
            {
                SendSessionResponse(session, request, cachedCode, cached[..cachedLength]);
            }

            return false;
        }

        if (request.NetFn == NetFn.App && IsSessionLayerCommand(request.Command))
        {
            HandleSessionLayerCommand(session, request, data);
            return false;
        }

        var pending = _commands.DispatchAsync(new IpmiRequest(request.NetFn, request.Command, buffer.AsMemory(dataOffset, dataLength), request.RsLun), context, _stopping.Token);
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            SendSessionResponse(session, request, result.CompletionCode, result.Data.Span);
            AfterResponse(session);
            return false;
        }

        _ = CompleteAsync(pending, session, request, buffer);
        return true;
    }

    /// <summary>
    /// A Close Session naming the session it comes on: it always succeeds, and the session is out of
    /// the table before its answer goes, so a retransmission finds no session to be recognised in.
    /// It is not recorded among the recent requests.
    /// </summary>
    private static bool ClosesItself(ServerSession session, in LanRequestHeader request, ReadOnlySpan<byte> data)
    {
        if (request.NetFn != NetFn.App || request.Command != AppCommand.CloseSession || data.Length is not (4 or 5))
        {
            return false;
        }

        uint id = BinaryPrimitives.ReadUInt32LittleEndian(data);
        return id == session.ManagedSessionId || (id == 0 && data.Length == 5 && data[4] == session.Handle);
    }

    private async Task CompleteAsync(ValueTask<IpmiResponse> pending, ServerSession session, LanRequestHeader request, byte[] buffer)
    {
        try
        {
            var result = await pending.ConfigureAwait(false);
            SendSessionResponse(session, request, result.CompletionCode, result.Data.Span);
            AfterResponse(session);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref Statistics.ReceiveLoopFaultsCount);
            LogReceiveFault(_logger, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void AfterResponse(ServerSession session)
    {
        if (session.Context!.CloseRequested)
        {
            Close(session, "closed by its handler");
        }
    }
}
