using System.Security.Cryptography;
using Omemo.Errors;
using Omemo.Pep;
using Omemo.Sessions.Legacy;
using Omemo.Storage;
using Omemo.Wire.Legacy;
using Omemo.Xml.Legacy;

namespace Omemo.Sessions;

// Legacy OMEMO 0.3 messages: encrypting for legacy-only devices alongside OMEMO 2, and decrypting legacy elements.
public sealed partial class SessionManager
{
    /// <summary>
    /// Decrypts a legacy OMEMO 0.3 <c>&lt;encrypted&gt;</c> element sent by a device of <paramref name="senderJid"/>, with
    /// the same rules as <see cref="DecryptAsync"/>: a repeated key exchange is decrypted with the session it built, any
    /// other builds a new legacy session whose pre-key is deleted (shared with OMEMO 2, so both bundles are republished),
    /// an empty reply is returned in <see cref="DecryptResult.LegacyAutomaticReply"/> after a key exchange or when a
    /// heartbeat is due, duplicates are ignored quietly, and nothing is written on failure. Legacy sessions are kept
    /// apart from OMEMO 2 sessions with the same device.
    /// </summary>
    /// <param name="senderJid">The sender's JID (the bare part is used).</param>
    /// <param name="element">The parsed element (see <see cref="LegacyEncryptedElement.Parse(string)"/>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="InvalidOperationException">Legacy OMEMO is not enabled (<see cref="SessionManagerOptions.EnableLegacyOmemo"/>).</exception>
    /// <exception cref="NotForThisDeviceException">The element holds no key for this device.</exception>
    /// <exception cref="NoSessionException">A non-key-exchange message from a device without legacy session.</exception>
    /// <exception cref="UntrustedSenderException">The sender's identity key is distrusted.</exception>
    /// <exception cref="OmemoException">Another protocol error (authentication failed, unknown pre-key, malformed message...).</exception>
    public Task<DecryptResult> DecryptLegacyAsync(string senderJid, LegacyEncryptedElement element, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(senderJid);
        ArgumentNullException.ThrowIfNull(element);
        if (!_options.EnableLegacyOmemo)
            throw new InvalidOperationException("Legacy OMEMO is disabled; set SessionManagerOptions.EnableLegacyOmemo.");
        return LockedAsync(async () =>
        {
            var key = element.FindKey(DeviceId) ?? throw new NotForThisDeviceException("The message holds no key for this device.");
            var sender = new DeviceAddress(PepStanzas.BareJid(senderJid), element.SenderDeviceId);
            var changes = new StoreChanges();
            LegacySession? session = null;
            try
            {
                Received<LegacySession> received;
                try
                {
                    received = key.IsPreKey
                        ? await ReceiveLegacyKeyExchangeAsync(sender, key.Data, element, changes, cancellationToken).ConfigureAwait(false)
                        : await ReceiveLegacyMessageAsync(sender, key.Data, element, changes, cancellationToken).ConfigureAwait(false);
                }
                catch (DuplicateMessageException)
                {
                    return new DecryptResult(null, sender, key.IsPreKey, false, null) { IsDuplicate = true };
                }
                session = received.Session;
                var reason = ReplyReason(key.IsPreKey, session.IsHeartbeatDue);
                LegacyEncryptedElement? reply = reason != AutomaticReplyReason.None && !_catchingUp ? EmptyLegacyMessage(sender, session) : null;
                changes.PutSessions.Add(LegacyRecord(sender, session));
                await CommitReceivedAsync(changes, received.ConsumedPreKey, cancellationToken).ConfigureAwait(false);
                return new DecryptResult(received.Plaintext, sender, key.IsPreKey, received.NewSession, null)
                {
                    ReplyReason = reply is null ? AutomaticReplyReason.None : reason,
                    SenderTrust = received.SenderTrust,
                    LegacyAutomaticReply = reply,
                };
            }
            finally
            {
                session?.Dispose();
                WipeChanges(changes);
            }
        }, cancellationToken);
    }

    private async Task<Received<LegacySession>> ReceiveLegacyKeyExchangeAsync(DeviceAddress sender, byte[] data, LegacyEncryptedElement element,
        StoreChanges changes, CancellationToken cancellationToken)
    {
        var kex = LegacyPreKeyWhisperMessage.Parse(data);
        byte[] identity = await LegacyTrustIdentityAsync(sender, kex.IdentityKey, cancellationToken).ConfigureAwait(false);
        var trust = await CheckSenderTrustAsync(sender, identity, changes, cancellationToken).ConfigureAwait(false);
        LegacySession? existing = null;
        try
        {
            existing = await LoadLegacySessionAsync(sender, cancellationToken).ConfigureAwait(false);
        }
        catch (MalformedMessageException)
        {
            // A corrupt stored session is replaced by the new key exchange.
        }
        try
        {
            if (existing is not null && !existing.IsInitiator && existing.IsSameKeyExchange(kex))
            {
                byte[]? same = existing.DecryptMessage(kex.Message, element.Payload, element.Iv);
                var session = existing;
                existing = null;
                return new Received<LegacySession>(session, same, false, null, trust);
            }
        }
        finally
        {
            existing?.Dispose();
        }
        var source = await LoadPreKeySourceAsync(kex.PreKeyId, cancellationToken).ConfigureAwait(false);
        try
        {
            var session = LegacySession.AcceptKeyExchangeMessage(_identity, source, data, element.Payload, element.Iv, out byte[]? plaintext);
            return new Received<LegacySession>(session, plaintext, true, session.UsedPreKeyId, trust);
        }
        finally
        {
            source.Wipe();
        }
    }

    private async Task<Received<LegacySession>> ReceiveLegacyMessageAsync(DeviceAddress sender, byte[] data, LegacyEncryptedElement element,
        StoreChanges changes, CancellationToken cancellationToken)
    {
        var session = await LoadLegacySessionAsync(sender, cancellationToken).ConfigureAwait(false)
            ?? throw new NoSessionException("No legacy session with the sending device; it must send a key exchange.");
        try
        {
            byte[] identity = await LegacyTrustIdentityAsync(sender, session.PeerIdentityKey.ToArray(), cancellationToken).ConfigureAwait(false);
            var trust = await CheckSenderTrustAsync(sender, identity, changes, cancellationToken).ConfigureAwait(false);
            byte[]? plaintext = session.DecryptMessage(data, element.Payload, element.Iv);
            var result = new Received<LegacySession>(session, plaintext, false, null, trust);
            session = null;
            return result;
        }
        finally
        {
            session?.Dispose();
        }
    }

    /// <summary>
    /// Encrypts for the legacy-only devices: a fresh AES-128-GCM key and IV for the payload (or none for an empty message),
    /// the 32 bytes of key material through each device's legacy session (built from its fetched legacy bundle when
    /// missing). Returns null when no device could be reached.
    /// </summary>
    private async Task<LegacyEncryptedElement?> EncryptLegacyAsync(List<DeviceAddress> targets, byte[]? plaintext, StoreChanges changes,
        List<DeviceFailure> failures, CancellationToken cancellationToken)
    {
        if (targets.Count == 0) return null;
        byte[] keyMaterial = new byte[LegacyPayload.KeyMaterialSize];
        byte[] iv = new byte[LegacyPayload.IvSize];
        try
        {
            byte[]? payload = null;
            if (plaintext is not null) payload = LegacyPayload.Encrypt(plaintext, keyMaterial, iv);
            else
            {
                RandomNumberGenerator.Fill(keyMaterial);
                RandomNumberGenerator.Fill(iv);
            }
            var devices = new List<DeviceAddress>();
            var sessions = new List<LegacySession>();
            try
            {
                var usedIds = new HashSet<uint>();
                foreach (var device in targets)
                {
                    if (!usedIds.Add(device.DeviceId))
                    {
                        // The legacy header names devices by id alone, so one id can be addressed once per message.
                        failures.Add(new DeviceFailure(device, DeviceFailureReason.Broken, "Another recipient device has the same id; legacy OMEMO cannot address both."));
                        continue;
                    }
                    if (await PrepareLegacySessionAsync(device, plaintext is null, changes, failures, cancellationToken).ConfigureAwait(false) is not { } session)
                        continue;
                    devices.Add(device);
                    sessions.Add(session);
                }
                if (sessions.Count == 0) return null;
                var keys = EncryptLegacyBatch(devices, sessions, keyMaterial, changes);
                return new LegacyEncryptedElement(DeviceId, keys, iv, payload);
            }
            finally
            {
                foreach (var session in sessions) session.Dispose();
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyMaterial);
        }
    }

    /// <summary>One key per session through <see cref="LegacySessionBatchEncryptor"/> (0 B per recipient); stages every updated session.</summary>
    private List<LegacyEncryptedKey> EncryptLegacyBatch(List<DeviceAddress> devices, List<LegacySession> sessions, byte[] keyMaterial, StoreChanges changes)
    {
        _legacyBatchEncryptor ??= new LegacySessionBatchEncryptor();
        var lanes = sessions.ToArray();
        bool[] preKey = [.. lanes.Select(s => s.IsKeyExchangePending)];
        int stride = LegacySessionBatchEncryptor.GetOutputStride(keyMaterial.Length);
        byte[] output = new byte[lanes.Length * stride];
        int[] lengths = new int[lanes.Length];
        _legacyBatchEncryptor.Encrypt(lanes, keyMaterial, output, lengths);
        var keys = new List<LegacyEncryptedKey>(lanes.Length);
        for (int i = 0; i < lanes.Length; i++)
        {
            keys.Add(new LegacyEncryptedKey(devices[i].DeviceId, output.AsSpan(i * stride, lengths[i]).ToArray(), preKey[i]));
            changes.PutSessions.Add(LegacyRecord(devices[i], lanes[i]));
        }
        return keys;
    }

    /// <summary>The stored legacy session, or a new one from the fetched bundle; null (with a failure) when the device cannot be reached.</summary>
    private async Task<LegacySession?> PrepareLegacySessionAsync(DeviceAddress device, bool empty, StoreChanges changes,
        List<DeviceFailure> failures, CancellationToken cancellationToken)
    {
        LegacySession? session;
        byte[] identity;
        try
        {
            session = await LoadLegacySessionAsync(device, cancellationToken).ConfigureAwait(false);
        }
        catch (MalformedMessageException)
        {
            failures.Add(new DeviceFailure(device, DeviceFailureReason.Broken, "The stored legacy session is corrupt."));
            return null;
        }
        if (session is not null)
        {
            identity = await LegacyTrustIdentityAsync(device, session.PeerIdentityKey.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (await FetchLegacyBundleAsync(device, failures, cancellationToken).ConfigureAwait(false) is not { } bundle) return null;
            try
            {
                session = LegacySession.Initiate(_identity, bundle); // verifies the signature before its sign bit is used
            }
            catch (Exception e) when (e is InvalidSignatureException or MissingPreKeyException or InvalidKeyException)
            {
                failures.Add(new DeviceFailure(device, DeviceFailureReason.Broken, e.Message));
                return null;
            }
            identity = LegacySignedPreKey.Ed25519Identity(bundle.IdentityKey, bundle.SignedPreKeySignature);
        }
        var use = empty ? SessionUse.Replacement : SessionUse.Message;
        if (await CheckRecipientTrustAsync(device, identity, changes, failures, use, cancellationToken).ConfigureAwait(false)) return session;
        session.Dispose();
        return null;
    }

    /// <summary>An empty legacy message (32 random bytes of key material, no payload) over an existing session.</summary>
    private LegacyEncryptedElement EmptyLegacyMessage(DeviceAddress device, LegacySession session)
    {
        byte[] keyMaterial = RandomNumberGenerator.GetBytes(LegacyPayload.KeyMaterialSize);
        try
        {
            bool preKey = session.IsKeyExchangePending;
            var key = new LegacyEncryptedKey(device.DeviceId, session.Encrypt(keyMaterial), preKey);
            return new LegacyEncryptedElement(DeviceId, [key], RandomNumberGenerator.GetBytes(LegacyPayload.IvSize), null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyMaterial);
        }
    }
}
