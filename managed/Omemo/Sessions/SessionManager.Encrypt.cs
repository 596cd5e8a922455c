using System.Security.Cryptography;
using System.Xml.Linq;
using Omemo.Errors;
using Omemo.Pep;
using Omemo.Storage;
using Omemo.X3dh;
using Omemo.Xml;

namespace Omemo.Sessions;

// Sending: fan-out encryption, SCE envelopes, empty messages and explicit session replacement.
public sealed partial class SessionManager
{
    /// <summary>
    /// Encrypts <paramref name="plaintext"/> (usually an SCE envelope, see <see cref="EncryptContentAsync"/>) for every
    /// device of <paramref name="recipientJids"/> and every other device of the own account. Missing sessions are
    /// built from freshly fetched bundles (random pre-key). Devices that cannot be encrypted for (no bundle,
    /// untrusted, broken) are reported in <see cref="EncryptResult.Failures"/>; every updated session is persisted in
    /// one batch. Sessions whose key exchange the peer has not answered yet send it again (XEP-0384 section 4.3).
    /// </summary>
    /// <param name="recipientJids">The recipients' bare JIDs (many for a group chat).</param>
    /// <param name="plaintext">The payload to encrypt.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="NoRecipientDevicesException">No device at all could be encrypted for (the fetched device lists and new undecided keys are still stored, for trust prompts).</exception>
    /// <exception cref="TooManyDevicesException">A device list, or the whole message, has too many devices.</exception>
    public Task<EncryptResult> EncryptAsync(IReadOnlyCollection<string> recipientJids, byte[] plaintext,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        return EncryptCoreAsync(recipientJids, plaintext, plaintext, cancellationToken);
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> for the OMEMO 2 devices and <paramref name="legacyPlaintext"/> for the
    /// legacy-only ones (legacy OMEMO 0.3 carries a bare body, not an SCE envelope); a null legacy plaintext leaves the
    /// legacy devices out with a failure.
    /// </summary>
    private Task<EncryptResult> EncryptCoreAsync(IReadOnlyCollection<string> recipientJids, byte[] plaintext, byte[]? legacyPlaintext,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipientJids);
        return LockedAsync(async () =>
        {
            var changes = new StoreChanges();
            var failures = new List<DeviceFailure>();
            try
            {
                var targets = await ResolveTargetsAsync(recipientJids, changes, failures, cancellationToken).ConfigureAwait(false);
                var legacyTargets = await ResolveLegacyTargetsAsync(recipientJids, targets, failures, cancellationToken).ConfigureAwait(false);
                byte[] keyMaterial = new byte[OmemoPayload.KeyMaterialSize];
                try
                {
                    byte[] payload = OmemoPayload.Encrypt(plaintext, keyMaterial);
                    var keys = await EncryptForAllAsync(targets, keyMaterial, changes, failures, cancellationToken).ConfigureAwait(false);
                    if (legacyPlaintext is null)
                    {
                        failures.AddRange(legacyTargets.Select(d => new DeviceFailure(d, DeviceFailureReason.Broken, "The content has no <body> for legacy OMEMO.")));
                        legacyTargets.Clear();
                    }
                    var legacy = await EncryptLegacyAsync(legacyTargets, legacyPlaintext, changes, failures, cancellationToken).ConfigureAwait(false);
                    if (keys.Count == 0 && legacy is null)
                    {
                        // No session changed; keep what was learned (device lists, undecided keys) for trust prompts.
                        await _store.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
                        throw new NoRecipientDevicesException(failures);
                    }
                    await CommitWithKeyMaintenanceAsync(changes, [], cancellationToken).ConfigureAwait(false);
                    return new EncryptResult(new EncryptedElement(DeviceId, keys, payload), failures) { LegacyElement = legacy };
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(keyMaterial);
                }
            }
            finally
            {
                WipeChanges(changes);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Wraps <paramref name="content"/> in an SCE envelope (XEP-0420 with OMEMO's profile: random padding, time,
    /// <c>&lt;from&gt;</c> = own JID, <c>&lt;to&gt;</c>) and encrypts it with <see cref="EncryptAsync"/>. Legacy-only
    /// devices (see <see cref="SessionManagerOptions.EnableLegacyOmemo"/>) get the text of the <c>&lt;body&gt;</c> instead,
    /// as legacy OMEMO 0.3 clients expect.
    /// </summary>
    /// <param name="recipientJids">The recipients' bare JIDs (every member of a group chat).</param>
    /// <param name="content">The stanza content, e.g. <see cref="SceEnvelope.CreateBody"/>.</param>
    /// <param name="toJid">The <c>&lt;to&gt;</c> affix: the group chat's JID, or null for the single recipient of a one-to-one chat.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentException"><paramref name="toJid"/> is null but there is not exactly one recipient.</exception>
    /// <exception cref="NoRecipientDevicesException">No device at all could be encrypted for.</exception>
    public Task<EncryptResult> EncryptContentAsync(IReadOnlyCollection<string> recipientJids, IReadOnlyList<XElement> content,
        string? toJid = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipientJids);
        ArgumentNullException.ThrowIfNull(content);
        if (toJid is null && recipientJids.Count != 1)
            throw new ArgumentException("A message to several JIDs needs the group chat's JID as <to>.", nameof(toJid));
        toJid ??= PepStanzas.BareJid(recipientJids.First());
        byte[] envelope = SceEnvelope.BuildUtf8(new SceEnvelopeContent(content, Now, Jid, toJid));
        // Legacy OMEMO 0.3 encrypts the message body alone.
        var body = content.FirstOrDefault(e => e.Name.LocalName == "body");
        return EncryptCoreAsync(recipientJids, envelope, body is null ? null : System.Text.Encoding.UTF8.GetBytes(body.Value), cancellationToken);
    }

    /// <summary>
    /// Replaces the session with one device (XEP-0384 section 7: clients must offer manual replacement of broken
    /// sessions): fetches its bundle, builds a new session that overwrites the old one, and returns the empty
    /// key-exchange message to send to the device. Empty messages carry no content, so the trust policy does not
    /// block them (section 8). Nothing is written when the bundle cannot be used.
    /// </summary>
    /// <exception cref="NoRecipientDevicesException">The device's bundle could not be fetched or used (see the failure).</exception>
    /// <exception cref="ArgumentException">The device is this device.</exception>
    public Task<EncryptResult> ReplaceSessionAsync(DeviceAddress device, CancellationToken cancellationToken = default)
    {
        device = new DeviceAddress(PepStanzas.BareJid(device.Jid), device.DeviceId);
        if (device.Jid == Jid && device.DeviceId == DeviceId) throw new ArgumentException("A device has no session with itself.", nameof(device));
        return LockedAsync(() => ReplaceSessionsCoreAsync([device], [], cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Replaces the sessions with every device of <paramref name="jid"/> (own other devices when it is the own JID),
    /// like <see cref="ReplaceSessionAsync"/>, in one batch; returns one empty key-exchange message for them all.
    /// </summary>
    /// <exception cref="NoRecipientDevicesException">No device's session could be replaced.</exception>
    public Task<EncryptResult> ReplaceSessionsAsync(string jid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jid);
        jid = PepStanzas.BareJid(jid);
        return LockedAsync(async () =>
        {
            var changes = new StoreChanges();
            var failures = new List<DeviceFailure>();
            try
            {
                var devices = await GetDevicesOfAsync(jid, changes, failures, forceFetch: true, cancellationToken).ConfigureAwait(false);
                return await ReplaceSessionsCoreAsync(devices, failures, cancellationToken, changes).ConfigureAwait(false);
            }
            finally
            {
                WipeChanges(changes);
            }
        }, cancellationToken);
    }

    private async Task<EncryptResult> ReplaceSessionsCoreAsync(IReadOnlyList<DeviceAddress> devices, List<DeviceFailure> failures,
        CancellationToken cancellationToken, StoreChanges? changes = null)
    {
        changes ??= new StoreChanges();
        try
        {
            var keys = new List<EncryptedKey>();
            var prepared = await PrepareSessionsAsync(devices, changes, failures, SessionUse.Replacement, cancellationToken).ConfigureAwait(false);
            try
            {
                for (int i = 0; i < prepared.Count; i++) keys.Add(EncryptEmpty(prepared[i].Device, prepared[i].Session, changes));
            }
            finally
            {
                foreach (var p in prepared) p.Session.Dispose();
            }
            if (keys.Count == 0) throw new NoRecipientDevicesException(failures);
            await _store.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
            return new EncryptResult(new EncryptedElement(DeviceId, keys, null), failures);
        }
        finally
        {
            WipeChanges(changes);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /// <summary>Commits a batch together with any due key maintenance, then republishes the bundle if it changed.</summary>
    private async Task CommitWithKeyMaintenanceAsync(StoreChanges changes, IReadOnlyCollection<uint> consumedPreKeys, CancellationToken cancellationToken)
    {
        var plan = await PlanKeyMaintenanceAsync(changes, consumedPreKeys, cancellationToken).ConfigureAwait(false);
        await _store.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
        ApplyKeyPlan(plan);
        if (plan.Changed) await PublishBundleAfterChangeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Prepares a session for every target (stored or new), then encrypts the key material for all of them in one
    /// <see cref="SessionBatchEncryptor"/> call and stages every updated session in <paramref name="changes"/>.
    /// </summary>
    private async Task<List<EncryptedKey>> EncryptForAllAsync(List<DeviceAddress> targets, byte[] keyMaterial, StoreChanges changes,
        List<DeviceFailure> failures, CancellationToken cancellationToken)
    {
        var prepared = await PrepareSessionsAsync(targets, changes, failures, SessionUse.Message, cancellationToken).ConfigureAwait(false);
        try
        {
            var keys = new List<EncryptedKey>(prepared.Count);
            if (prepared.Count == 0) return keys;
            var lanes = prepared.Select(p => p.Session).ToArray();
            bool[] keyExchange = [.. lanes.Select(s => s.IsKeyExchangePending)];
            int stride = SessionBatchEncryptor.GetOutputStride(keyMaterial.Length);
            byte[] output = new byte[lanes.Length * stride];
            int[] lengths = new int[lanes.Length];
            _batchEncryptor.Encrypt(lanes, keyMaterial, output, lengths);
            for (int i = 0; i < lanes.Length; i++)
            {
                var device = prepared[i].Device;
                keys.Add(new EncryptedKey(device.Jid, device.DeviceId, output.AsSpan(i * stride, lengths[i]).ToArray(), keyExchange[i]));
                changes.PutSessions.Add(new SessionRecord(device, lanes[i].Serialize()));
            }
            return keys;
        }
        finally
        {
            foreach (var p in prepared) p.Session.Dispose();
        }
    }

    private static EncryptedKey EncryptKey(DeviceAddress device, OmemoSession session, ReadOnlySpan<byte> keyMaterial, StoreChanges changes)
    {
        bool kex = session.IsKeyExchangePending;
        var key = new EncryptedKey(device.Jid, device.DeviceId, session.Encrypt(keyMaterial), kex);
        changes.PutSessions.Add(new SessionRecord(device, session.Serialize()));
        return key;
    }

    /// <summary>An empty OMEMO message's key (32 zero bytes of key material, XEP-0384 section 4.5) for one device.</summary>
    private static EncryptedKey EncryptEmpty(DeviceAddress device, OmemoSession session, StoreChanges changes) =>
        EncryptKey(device, session, stackalloc byte[OmemoPayload.EmptyKeyMaterialSize], changes);

    private Task<Bundle?> FetchBundleAsync(DeviceAddress device, List<DeviceFailure> failures, CancellationToken cancellationToken) =>
        FetchBundleAsync(device, failures, PepStanzas.FetchBundle, PepStanzas.ParseBundleResult, cancellationToken);

    /// <summary>Fetches one device's bundle of either version; a missing or broken one becomes a failure of that device.</summary>
    private async Task<TBundle?> FetchBundleAsync<TBundle>(DeviceAddress device, List<DeviceFailure> failures,
        Func<string, string, uint, string> request, Func<string, uint, string?, TBundle> parse, CancellationToken cancellationToken)
        where TBundle : class
    {
        string id = NextIqId();
        try
        {
            string answer = await _pep.SendIqAsync(request(id, device.Jid, device.DeviceId), cancellationToken).ConfigureAwait(false);
            return parse(answer, device.DeviceId, id);
        }
        catch (Exception e) when (e is PepRequestFailedException or MalformedMessageException)
        {
            failures.Add(new DeviceFailure(device, DeviceFailureReason.NoBundle, e.Message));
            return null;
        }
    }

    /// <summary>The stored session with <paramref name="device"/>, or null; the serialized state is wiped.</summary>
    /// <exception cref="MalformedMessageException">The stored state is corrupt.</exception>
    private async Task<OmemoSession?> LoadSessionAsync(DeviceAddress device, CancellationToken cancellationToken)
    {
        var record = await _store.GetSessionAsync(device, cancellationToken).ConfigureAwait(false);
        if (record is null) return null;
        try
        {
            return OmemoSession.Deserialize(record.State);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(record.State);
        }
    }
}
