using System.Security.Cryptography;
using Omemo.Errors;
using Omemo.Pep;
using Omemo.Storage;
using Omemo.Wire;
using Omemo.X3dh;
using Omemo.Xml;

namespace Omemo.Sessions;

// Receiving: key exchanges, ratchet messages, automatic replies, duplicates and SCE envelopes.
public sealed partial class SessionManager
{
    /// <summary>
    /// Decrypts an <c>&lt;encrypted&gt;</c> element sent by a device of <paramref name="senderJid"/>. A key exchange
    /// that repeats the one the existing session was built from is only decrypted with that session; any other key
    /// exchange builds a new session replacing the old one, and its pre-key is deleted (and the bundle refilled and
    /// republished) in the same batch, unless history catch-up is running (see <see cref="BeginCatchUp"/>). After a
    /// key exchange, or when the first message of a new receiving chain has a counter of 53 or more, the result
    /// carries an empty message to send back (<see cref="DecryptResult.AutomaticReply"/>). A message that was already
    /// decrypted is ignored quietly (<see cref="DecryptResult.IsDuplicate"/>). On any failure nothing is written; a
    /// message from a device without session raises <see cref="NoSessionException"/> and never builds one.
    /// </summary>
    /// <param name="senderJid">The sender's JID (the bare part is used).</param>
    /// <param name="element">The parsed element (see <see cref="EncryptedElement.Parse(string)"/>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="NotForThisDeviceException">The element holds no key for this device.</exception>
    /// <exception cref="NoSessionException">A non-key-exchange message from a device without session.</exception>
    /// <exception cref="UntrustedSenderException">The sender's identity key is distrusted.</exception>
    /// <exception cref="OmemoException">Another protocol error (authentication failed, unknown pre-key, malformed message...).</exception>
    public Task<DecryptResult> DecryptAsync(string senderJid, EncryptedElement element, CancellationToken cancellationToken = default) =>
        DecryptCoreAsync(senderJid, element, null, cancellationToken);

    /// <summary>
    /// <see cref="DecryptAsync"/> for a message whose payload is an SCE envelope: the envelope is parsed and its
    /// affixes checked against the sender and <paramref name="groupJid"/> (or this account in a one-to-one chat)
    /// before anything is committed, so a message with a forged or broken envelope changes nothing. The parsed
    /// envelope is in <see cref="DecryptResult.Content"/> (null for an empty OMEMO message or a duplicate).
    /// </summary>
    /// <param name="senderJid">The sender's real JID (the bare part is used).</param>
    /// <param name="element">The parsed element.</param>
    /// <param name="groupJid">The group chat's JID for a group message, otherwise null.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="SceAffixMismatchException">The envelope names another sender or recipient.</exception>
    /// <exception cref="MalformedMessageException">The payload is not a valid envelope.</exception>
    /// <exception cref="OmemoException">As for <see cref="DecryptAsync"/>.</exception>
    public Task<DecryptResult> DecryptContentAsync(string senderJid, EncryptedElement element, string? groupJid = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(senderJid);
        string sender = PepStanzas.BareJid(senderJid);
        string recipient = groupJid is null ? Jid : PepStanzas.BareJid(groupJid);
        return DecryptCoreAsync(senderJid, element, plaintext =>
        {
            var content = SceEnvelope.Parse(plaintext);
            SceEnvelope.VerifyAffixes(content, sender, recipient, isGroupChat: groupJid is not null);
            return content;
        }, cancellationToken);
    }

    private Task<DecryptResult> DecryptCoreAsync(string senderJid, EncryptedElement element, Func<byte[], SceEnvelopeContent>? parseContent,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(senderJid);
        ArgumentNullException.ThrowIfNull(element);
        if (!_options.EnableOmemo2) throw new InvalidOperationException("OMEMO 2 is disabled; set SessionManagerOptions.EnableOmemo2.");
        return LockedAsync(async () =>
        {
            var key = element.FindKey(Jid, DeviceId) ?? throw new NotForThisDeviceException("The message holds no key for this device.");
            var sender = new DeviceAddress(PepStanzas.BareJid(senderJid), element.SenderDeviceId);
            var changes = new StoreChanges();
            OmemoSession? session = null;
            try
            {
                Received<OmemoSession> received;
                try
                {
                    received = key.IsKeyExchange
                        ? await ReceiveKeyExchangeAsync(sender, key.Data, element.Payload, changes, cancellationToken).ConfigureAwait(false)
                        : await ReceiveMessageAsync(sender, key.Data, element.Payload, changes, cancellationToken).ConfigureAwait(false);
                }
                catch (DuplicateMessageException)
                {
                    return new DecryptResult(null, sender, key.IsKeyExchange, false, null) { IsDuplicate = true };
                }
                session = received.Session;
                var content = received.Plaintext is not null && parseContent is not null ? parseContent(received.Plaintext) : null;

                var reason = ReplyReason(key.IsKeyExchange, session.IsHeartbeatDue);
                EncryptedElement? reply = null;
                if (reason != AutomaticReplyReason.None && !_catchingUp)
                {
                    byte[] empty = new byte[OmemoPayload.EmptyKeyMaterialSize];
                    bool kex = session.IsKeyExchangePending;
                    reply = new EncryptedElement(DeviceId, [new EncryptedKey(sender.Jid, sender.DeviceId, session.Encrypt(empty), kex)], null);
                }
                changes.PutSessions.Add(new SessionRecord(sender, session.Serialize()));
                await RefreshListIfSenderUnknownAsync(sender, changes, cancellationToken).ConfigureAwait(false);

                await CommitReceivedAsync(changes, received.ConsumedPreKey, cancellationToken).ConfigureAwait(false);
                if (_catchingUp && reason != AutomaticReplyReason.None) _catchUpReplies.Add(sender);
                return new DecryptResult(received.Plaintext, sender, key.IsKeyExchange, received.NewSession, reply)
                {
                    ReplyReason = reply is null ? AutomaticReplyReason.None : reason,
                    SenderTrust = received.SenderTrust,
                    Content = content,
                };
            }
            finally
            {
                session?.Dispose();
                WipeChanges(changes);
            }
        }, cancellationToken);
    }

    /// <summary>The outcome of decrypting one key (of either version) before it is committed; the session is owned by the caller.</summary>
    private sealed record Received<TSession>(TSession Session, byte[]? Plaintext, bool NewSession, uint? ConsumedPreKey, TrustLevel SenderTrust);

    private static AutomaticReplyReason ReplyReason(bool keyExchange, bool heartbeatDue) =>
        keyExchange ? AutomaticReplyReason.KeyExchangeCompletion
        : heartbeatDue ? AutomaticReplyReason.Heartbeat : AutomaticReplyReason.None;

    /// <summary>Commits a received message's batch; its pre-key is deleted now, or at the end of history catch-up.</summary>
    private async Task CommitReceivedAsync(StoreChanges changes, uint? consumedPreKey, CancellationToken cancellationToken)
    {
        uint[] consumed = consumedPreKey is { } id && !_catchingUp ? [id] : [];
        await CommitWithKeyMaintenanceAsync(changes, consumed, cancellationToken).ConfigureAwait(false);
        if (_catchingUp && consumedPreKey is { } deferred) _deferredPreKeyDeletions.Add(deferred);
    }

    private async Task<Received<OmemoSession>> ReceiveKeyExchangeAsync(DeviceAddress sender, byte[] data, byte[]? payload, StoreChanges changes,
        CancellationToken cancellationToken)
    {
        var kex = OmemoKeyExchange.Parse(data);
        var trust = await CheckSenderTrustAsync(sender, kex.IdentityKey, changes, cancellationToken).ConfigureAwait(false);
        var existing = await LoadSessionOrNullAsync(sender, cancellationToken).ConfigureAwait(false);
        try
        {
            if (existing is not null && !existing.IsInitiator && existing.IsSameKeyExchange(kex))
            {
                byte[]? same = existing.DecryptMessage(kex.Message.ToByteArray(), payload);
                var session = existing;
                existing = null;
                return new Received<OmemoSession>(session, same, false, null, trust);
            }
        }
        finally
        {
            existing?.Dispose();
        }
        var source = await LoadPreKeySourceAsync(kex.PreKeyId, cancellationToken).ConfigureAwait(false);
        try
        {
            var session = OmemoSession.AcceptKeyExchangeMessage(_identity, source, data, payload, out byte[]? plaintext);
            return new Received<OmemoSession>(session, plaintext, true, session.UsedPreKeyId, trust);
        }
        finally
        {
            source.Wipe();
        }
    }

    private async Task<Received<OmemoSession>> ReceiveMessageAsync(DeviceAddress sender, byte[] data, byte[]? payload, StoreChanges changes,
        CancellationToken cancellationToken)
    {
        var session = await LoadSessionAsync(sender, cancellationToken).ConfigureAwait(false)
            ?? throw new NoSessionException("No session with the sending device; it must send a key exchange (or replace the session).");
        try
        {
            var trust = await CheckSenderTrustAsync(sender, session.PeerIdentityKey.ToArray(), changes, cancellationToken).ConfigureAwait(false);
            byte[]? plaintext = session.DecryptMessage(data, payload);
            var result = new Received<OmemoSession>(session, plaintext, false, null, trust);
            session = null;
            return result;
        }
        finally
        {
            session?.Dispose();
        }
    }

    private async Task<StoredPreKeys> LoadPreKeySourceAsync(uint preKeyId, CancellationToken cancellationToken)
    {
        var source = new StoredPreKeys();
        foreach (var spk in await _store.GetSignedPreKeysAsync(cancellationToken).ConfigureAwait(false))
            source.SignedPreKeys[spk.Id] = new SignedPreKey(spk.Id, spk.PrivateKey, spk.Signature, spk.CreatedAt);
        if (await _store.GetPreKeyAsync(preKeyId, cancellationToken).ConfigureAwait(false) is { } pk)
            source.PreKeys[pk.Id] = new PreKey(pk.Id, pk.PrivateKey);
        return source;
    }

    /// <summary>The own pre-keys a key exchange names, loaded from the store for <see cref="OmemoSession.AcceptKeyExchangeMessage"/>.</summary>
    private sealed class StoredPreKeys : IPreKeySource
    {
        public Dictionary<uint, SignedPreKey> SignedPreKeys { get; } = [];
        public Dictionary<uint, PreKey> PreKeys { get; } = [];
        public SignedPreKey? GetSignedPreKey(uint id) => SignedPreKeys.GetValueOrDefault(id);
        public PreKey? GetPreKey(uint id) => PreKeys.GetValueOrDefault(id);

        public void Wipe()
        {
            foreach (var s in SignedPreKeys.Values) CryptographicOperations.ZeroMemory(s.PrivateKey);
            foreach (var p in PreKeys.Values) CryptographicOperations.ZeroMemory(p.PrivateKey);
        }
    }
}
