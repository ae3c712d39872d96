using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Appliance.Ipmi.Crypto;
using Appliance.Ipmi.Rmcp;
using Appliance.Ipmi.Session;

namespace Appliance.Ipmi.Server;

/// <summary>RMCP+ session establishment: Open Session Request and RAKP Messages 1-4 (IPMI v2.0 section 13.15-13.23).</summary>
public sealed partial class IpmiServer
{
    /// <summary>
    /// A console answers RAKP 2 within milliseconds. One that has been silent this long while its
    /// address starts another exchange has given up (ipmitool stops without a word at a RAKP 2 it
    /// cannot verify): its failure counts then, not when the setup times out.
    /// </summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMilliseconds(250);

    private void HandleOpenSessionRequest(ReadOnlySpan<byte> payload, SocketAddress from)
    {
        if (!Rakp.TryParseOpenSessionRequest(payload, out var request))
        {
            Drop();
            return;
        }

        RmcpPlusStatus status = CheckOpenSessionRequest(request, out CipherSuite? suite, out PrivilegeLevel maxPrivilege);
        var remote = ToEndPoint(from);
        CountAbandonedExchanges(remote.Address);
        if (status == RmcpPlusStatus.NoErrors && _sourceThrottle.Wait(remote.Address) > TimeSpan.Zero)
        {
            status = RmcpPlusStatus.InsufficientResourcesToCreateSession;
        }

        ServerSession? session = null;
        ServerSession? evicted = null;
        if (status == RmcpPlusStatus.NoErrors)
        {
            lock (_opening)
            {
                // A console whose Open Session Response was lost or late asks again: it gets the same
                // session, so retransmissions do not fill the table with half-open ones.
                session = _sessions.FindOpenedBy(this, from, request.RemoteSessionId, suite!, maxPrivilege);
                if (session is null)
                {
                    long now = _time.GetTimestamp();
                    session = _sessions.TryAdd(
                        (id, handle) => new ServerSession(id, request.RemoteSessionId, handle, suite!, maxPrivilege, Copy(from), remote, now, new RecentRequests(_time, DuplicateWindow)) { Server = this },
                        out evicted);
                    if (session is null)
                    {
                        status = RmcpPlusStatus.InsufficientResourcesToCreateSession;
                    }
                }
            }

            if (evicted is not null)
            {
                // The half-open session may be another endpoint's: it counts and logs its own.
                if (evicted.State == SessionState.Rakp2Sent)
                {
                    evicted.Server.RecordAuthenticationFailure(evicted, "RAKP 3 never arrived");
                }

                LogSessionClosed(evicted.Server._sessionLogger, evicted.ManagedSessionId, evicted.UserName, "setup displaced by a newer request (table full)");
                evicted.Dispose();
            }
        }

        Span<byte> reply = stackalloc byte[Rakp.OpenSessionResponseLength];
        if (session is null)
        {
            Interlocked.Increment(ref Statistics.SessionsRefusedCount);
            LogSessionRefused(_logger, remote, status);
            SendClear(PayloadType.OpenSessionResponse, reply[..Rakp.WriteErrorReply(reply, request.MessageTag, status, request.RemoteSessionId)], from);
            return;
        }

        int length = Rakp.WriteOpenSessionResponse(reply, request.MessageTag, maxPrivilege, request.RemoteSessionId, session.ManagedSessionId, session.Suite);
        SendClear(PayloadType.OpenSessionResponse, reply[..length], from);
    }

    private void CountAbandonedExchanges(IPAddress address)
    {
        long sentBy = _time.GetTimestamp() - (long)(AbandonedAfter.TotalSeconds * _time.TimestampFrequency);
        var abandoned = _sessions.AwaitingRakp3(this, address, sentBy);
        if (abandoned is not null)
        {
            foreach (var s in abandoned)
            {
                RecordAuthenticationFailure(s, "RAKP 3 never came; the console started another exchange");
            }
        }
    }

    /// <summary>Accepts exactly the algorithm triples of cipher suites 3 and 17, and a valid privilege request.</summary>
    private RmcpPlusStatus CheckOpenSessionRequest(in OpenSessionRequest request, out CipherSuite? suite, out PrivilegeLevel maxPrivilege)
    {
        suite = null;
        maxPrivilege = _options.ChannelPrivilegeLimit;
        if (!request.AlgorithmsWellFormed)
        {
            return RmcpPlusStatus.IllegalOrUnrecognizedParameter;
        }

        if (request.RemoteSessionId == 0)
        {
            return RmcpPlusStatus.InvalidSessionId;
        }

        suite = request.Authentication switch
        {
            (byte)AuthenticationAlgorithm.RakpHmacSha1 => CipherSuite.Suite3,
            (byte)AuthenticationAlgorithm.RakpHmacSha256 => CipherSuite.Suite17,
            _ => null,
        };
        if (suite is null)
        {
            return RmcpPlusStatus.InvalidAuthenticationAlgorithm;
        }

        if (request.Integrity != (byte)suite.Integrity)
        {
            return RmcpPlusStatus.InvalidIntegrityAlgorithm;
        }

        if (request.Confidentiality != (byte)suite.Confidentiality)
        {
            return RmcpPlusStatus.InvalidConfidentialityAlgorithm;
        }

        if (request.RequestedPrivilege > (byte)PrivilegeLevel.Oem)
        {
            return RmcpPlusStatus.InvalidRole;
        }

        if (request.RequestedPrivilege != 0)
        {
            // 0 asks for the highest level the channel allows; the user's own limit is applied at RAKP.
            if (request.RequestedPrivilege > (byte)_options.ChannelPrivilegeLimit)
            {
                return RmcpPlusStatus.UnauthorizedRoleOrPrivilegeLevelRequested;
            }

            maxPrivilege = (PrivilegeLevel)request.RequestedPrivilege;
        }

        return RmcpPlusStatus.NoErrors;
    }

    private void HandleRakp1(ReadOnlySpan<byte> payload, SocketAddress from)
    {
        if (!Rakp.TryParseRakp1(payload, out var message))
        {
            Drop();
            return;
        }

        Span<byte> reply = stackalloc byte[Rakp.ErrorReplyLength + RakpCrypto.RandomLength + RakpCrypto.GuidLength + RakpCrypto.MaxHmacLength];
        var session = _sessions.Find(message.ManagedSessionId);
        if (session is null || session.Server != this)
        {
            SendClear(PayloadType.Rakp2, reply[..Rakp.WriteErrorReply(reply, message.MessageTag, RmcpPlusStatus.InvalidSessionId, 0)], from);
            return;
        }

        lock (session.Setup)
        {
            AnswerRakp1(session, message, payload, reply, from);
        }
    }

    // Under the session's setup lock.
    private void AnswerRakp1(ServerSession session, in Rakp1 message, ReadOnlySpan<byte> payload, Span<byte> reply, SocketAddress from)
    {
        if (session.State == SessionState.Active)
        {
            // An active session takes no RAKP 1 (checked here: a RAKP 3 another loop took may have just activated it).
            SendClear(PayloadType.Rakp2, reply[..Rakp.WriteErrorReply(reply, message.MessageTag, RmcpPlusStatus.InvalidSessionId, 0)], from);
            return;
        }

        RmcpPlusStatus status = RmcpPlusStatus.NoErrors;
        byte privilege = (byte)(message.Role & 0x0F);
        if (!message.NameLengthValid)
        {
            status = RmcpPlusStatus.InvalidNameLength;
        }
        else if (privilege is 0 or > (byte)PrivilegeLevel.Oem || (message.Role & 0xE0) != 0)
        {
            status = RmcpPlusStatus.InvalidRole;
        }
        else if (message.NameLength == 0)
        {
            status = RmcpPlusStatus.UnauthorizedName; // null user names are disabled on this channel
        }

        if (status != RmcpPlusStatus.NoErrors)
        {
            Close(session, $"RAKP 1 refused: {status}");
            SendClear(PayloadType.Rakp2, reply[..Rakp.WriteErrorReply(reply, message.MessageTag, status, session.RemoteSessionId)], from);
            return;
        }

        ReadOnlySpan<byte> nameBytes = payload.Slice(message.NameOffset, message.NameLength);
        ReadOnlySpan<byte> remoteRandom = payload.Slice(Rakp1.RemoteRandomOffset, RakpCrypto.RandomLength);
        ManagedHmac key;
        if (session.State == SessionState.Rakp2Sent && session.Role == message.Role
            && nameBytes.SequenceEqual(session.UserNameBytes) && remoteRandom.SequenceEqual(session.RemoteRandom))
        {
            // A retransmission (our RAKP 2 was lost or late): the same RAKP 2 again. A new random of
            // ours would fail the RAKP 3 of a console that took the first one, as a wrong password.
            key = session.RakpKey!;
        }
        else
        {
            string name = Encoding.Latin1.GetString(nameBytes);

            // An unknown, disabled or locked-out name gets a RAKP 2 keyed with random bytes: to the client
            // it looks exactly like a wrong password, so names cannot be probed.
            IpmiUser? user = _users.FindUser(name, _options.ChannelNumber);
            var source = session.RemoteEndPoint.Address;
            bool lockedOut = _users.IsLockedOut(name, source);
            bool usable = user is { Enabled: true, IpmiMessagingAllowed: true } && user.Key.Length <= RakpCrypto.MaxKeyLength && !lockedOut;
            key = UserKey(usable ? user! : _decoy, session.Suite);

            remoteRandom.CopyTo(session.RemoteRandom);
            RandomPool.Fill(session.ManagedRandom);
            session.BeginRakp(message.Role, nameBytes, name, usable ? user : null, key, lockedOut, _time.GetTimestamp());
        }

        Span<byte> body = stackalloc byte[RakpCrypto.RandomLength + RakpCrypto.GuidLength + RakpCrypto.MaxHmacLength];
        session.ManagedRandom.CopyTo(body);
        _guid.CopyTo(body[RakpCrypto.RandomLength..]);
        int authLength = RakpCrypto.Rakp2AuthCode(
            key, session.RemoteSessionId, session.ManagedSessionId, session.RemoteRandom,
            session.ManagedRandom, _guid, message.Role, nameBytes, body[(RakpCrypto.RandomLength + RakpCrypto.GuidLength)..]);
        int length = Rakp.WriteReply(reply, message.MessageTag, session.RemoteSessionId, body[..(RakpCrypto.RandomLength + RakpCrypto.GuidLength + authLength)]);
        SendClear(PayloadType.Rakp2, reply[..length], from);
    }

    private void HandleRakp3(ReadOnlySpan<byte> payload, SocketAddress from)
    {
        if (!Rakp.TryParseReply(payload, out var message))
        {
            Drop();
            return;
        }

        Span<byte> reply = stackalloc byte[Rakp.ErrorReplyLength + RakpCrypto.MaxHmacLength];
        var session = _sessions.Find(message.SessionId);
        if (session is null || session.Server != this)
        {
            SendClear(PayloadType.Rakp4, reply[..Rakp.WriteErrorReply(reply, message.MessageTag, RmcpPlusStatus.InvalidSessionId, 0)], from);
            return;
        }

        lock (session.Setup)
        {
            AnswerRakp3(session, message, payload, reply, from);
        }
    }

    // Under the session's setup lock.
    private void AnswerRakp3(ServerSession session, in RakpReply message, ReadOnlySpan<byte> payload, Span<byte> reply, SocketAddress from)
    {
        if (session.State == SessionState.OpenSessionResponded)
        {
            SendClear(PayloadType.Rakp4, reply[..Rakp.WriteErrorReply(reply, message.MessageTag, RmcpPlusStatus.InvalidSessionId, 0)], from);
            return;
        }

        ReadOnlySpan<byte> authCode = payload.Slice(message.BodyOffset, message.BodyLength);
        if (session.State == SessionState.Active)
        {
            // A retransmitted RAKP 3 (our RAKP 4 was lost): answer again while the session is unused.
            if (!session.ReceivedInSession && message.Status == RmcpPlusStatus.NoErrors
                && CryptographicOperations.FixedTimeEquals(authCode, session.Rakp3AuthCode))
            {
                SendRakp4(session, message.MessageTag, reply, from);
            }
            else
            {
                Drop();
            }

            return;
        }

        if (message.Status != RmcpPlusStatus.NoErrors)
        {
            // The console gave up, typically because our RAKP 2 did not verify: a wrong password.
            RecordAuthenticationFailure(session, $"console aborted with {message.Status}");
            Close(session, "RAKP 3 carried an error");
            return;
        }

        Span<byte> expected = stackalloc byte[RakpCrypto.MaxHmacLength];
        int expectedLength = RakpCrypto.Rakp3AuthCode(
            session.RakpKey!, session.ManagedRandom, session.RemoteSessionId, session.Role, session.UserNameBytes, expected);
        bool proven = session.User is not null
            && CryptographicOperations.FixedTimeEquals(authCode, expected[..expectedLength]);
        if (!proven)
        {
            RecordAuthenticationFailure(session, "RAKP 3 did not verify");
            Close(session, "authentication failed");
            SendClear(PayloadType.Rakp4, reply[..Rakp.WriteErrorReply(reply, message.MessageTag, RmcpPlusStatus.InvalidIntegrityCheckValue, session.RemoteSessionId)], from);
            return;
        }

        var user = session.User!;
        var requested = (PrivilegeLevel)(session.Role & 0x0F);
        if (requested > user.MaxPrivilege || requested > session.OpenSessionMaxPrivilege)
        {
            // Only a console that proved the password learns that the role is too high.
            Close(session, $"role {requested} exceeds the user's limit {user.MaxPrivilege}");
            SendClear(PayloadType.Rakp4, reply[..Rakp.WriteErrorReply(reply, message.MessageTag, RmcpPlusStatus.UnauthorizedRoleOrPrivilegeLevelRequested, session.RemoteSessionId)], from);
            return;
        }

        ManagedHmac sik = SessionIntegrityKey(session);
        var crypto = new SessionCrypto(session.Suite, sik);
        Span<byte> icv = stackalloc byte[RakpCrypto.MaxHmacLength];
        int icvLength = RakpCrypto.Rakp4Icv(session.Suite, sik, session.RemoteRandom, session.ManagedSessionId, _guid, icv);
        sik.Clear();
        RmcpPlusStatus room = _sessions.TryActivate(session, requested, _options.MaxSessionsPerUser, _options.SessionsReservedForAdministrators,
            crypto, authCode.ToArray(), _options.ChannelNumber, this);
        if (room != RmcpPlusStatus.NoErrors)
        {
            // The password was right, so this is no failure; the user may not have another session now.
            crypto.Dispose();
            _users.RecordAuthenticationSuccess(user.Name, session.RemoteEndPoint.Address);
            _sourceThrottle.Success(session.RemoteEndPoint.Address);
            Interlocked.Increment(ref Statistics.SessionsRefusedCount);
            Close(session, room == RmcpPlusStatus.InvalidSessionId
                ? "setup displaced by a newer request (table full)"
                : $"no room for another session at {requested} (per-user limit or the administrators' reserve)");
            SendClear(PayloadType.Rakp4, reply[..Rakp.WriteErrorReply(reply, message.MessageTag, room, session.RemoteSessionId)], from);
            return;
        }

        _users.RecordAuthenticationSuccess(user.Name, session.RemoteEndPoint.Address);
        _sourceThrottle.Success(session.RemoteEndPoint.Address);
        Interlocked.Increment(ref Statistics.SessionsOpenedCount);
        LogSessionOpened(_sessionLogger, session.ManagedSessionId, user.Name, session.RemoteEndPoint, session.Suite.Id, requested);
        SendClear(PayloadType.Rakp4, reply[..Rakp.WriteReply(reply, message.MessageTag, session.RemoteSessionId, icv[..icvLength])], from);
        if (requested >= PrivilegeLevel.Administrator)
        {
            MakeRoomForTheNextLogin();
        }
    }

    /// <summary>
    /// After an administrator's login took the last handle: the longest-idle session below
    /// Administrator, idle for <see cref="IpmiServerOptions.IdleBeforeGivingWay"/>, is closed, so
    /// that the next administrator finds room.
    /// </summary>
    private void MakeRoomForTheNextLogin()
    {
        long idleSince = _time.GetTimestamp() - (long)(_options.IdleBeforeGivingWay.TotalSeconds * _time.TimestampFrequency);
        if (_sessions.GiveWayCandidate(idleSince) is { } idle)
        {
            Close(idle, "idle; gave way to an administrator's login");
        }
    }

    private void SendRakp4(ServerSession session, byte tag, Span<byte> reply, SocketAddress to)
    {
        ManagedHmac sik = SessionIntegrityKey(session);
        Span<byte> icv = stackalloc byte[RakpCrypto.MaxHmacLength];
        int icvLength = RakpCrypto.Rakp4Icv(session.Suite, sik, session.RemoteRandom, session.ManagedSessionId, _guid, icv);
        sik.Clear();
        SendClear(PayloadType.Rakp4, reply[..Rakp.WriteReply(reply, tag, session.RemoteSessionId, icv[..icvLength])], to);
    }

    /// <summary>
    /// The user's K_uid prepared for the suite. A directory hands out a new <see cref="IpmiUser"/>
    /// when an account changes, and a key changed in place is noticed, so a new password counts
    /// from the next RAKP 1 on.
    /// </summary>
    private ManagedHmac UserKey(IpmiUser user, CipherSuite suite)
    {
        ref PreparedUserKey? slot = ref _userKeys[user.UserId & (_userKeys.Length - 1)];
        var prepared = Volatile.Read(ref slot);
        if (prepared is null || !ReferenceEquals(prepared.User, user) || !prepared.Key.Holds(user.Key.Span))
        {
            prepared = new PreparedUserKey(user, new PreparedKey(user.Key.Span));
            Volatile.Write(ref slot, prepared);
        }

        return prepared.Key.For(suite);
    }

    private sealed record PreparedUserKey(IpmiUser User, PreparedKey Key);

    /// <summary>An HMAC keyed with the session's SIK (K1, K2 and RAKP 4 are computed with it); the caller clears it.</summary>
    private ManagedHmac SessionIntegrityKey(ServerSession session)
    {
        ManagedHmac keyGenerating = Volatile.Read(ref _kg)?.For(session.Suite) ?? session.RakpKey!;
        Span<byte> sik = stackalloc byte[RakpCrypto.MaxHmacLength];
        int sikLength = RakpCrypto.SessionIntegrityKey(
            keyGenerating, session.RemoteRandom, session.ManagedRandom, session.Role, session.UserNameBytes, sik);
        ManagedHmac keyed = RakpCrypto.Keyed(session.Suite, sik[..sikLength]);
        CryptographicOperations.ZeroMemory(sik);
        return keyed;
    }
}
