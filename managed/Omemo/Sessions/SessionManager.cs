using System.Security.Cryptography;
using Omemo.Devices;
using Omemo.Errors;
using Omemo.Pep;
using Omemo.Storage;
using Omemo.TrustPolicies;
using Omemo.Wire;
using Omemo.X3dh;
using Omemo.Xml;

namespace Omemo.Sessions;

/// <summary>
/// The OMEMO engine of one account on one device (XEP-0384 sections 5-8) over an <see cref="IOmemoStore"/>, a
/// <see cref="ITrustPolicy"/> and a PEP transport. It owns the device's identity and pre-keys, publishes its bundle
/// and device list, builds sessions from fetched bundles just before sending, and persists every message as one
/// <see cref="IOmemoStore.CommitAsync"/> batch (a fan-out to N devices is one batch; a decryption writes its ratchet
/// state with the pre-key it consumed and the replacement pre-key). Nothing is written when an operation fails.
/// Operations are serialized: the instance is safe for concurrent use. Pass bare JIDs.
/// </summary>
public sealed class SessionManager : IDisposable
{
    /// <summary>The number of one-time pre-keys the published bundle holds.</summary>
    public const int PreKeyCount = 100;

    private readonly IOmemoStore _store;
    private readonly IPepTransport _pep;
    private readonly ITrustPolicy _trust;
    private readonly DeviceListRules _rules;
    private readonly IdentityKeyPair _identity;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SortedDictionary<uint, byte[]> _preKeyPublics;
    private readonly SignedPreKey _signedPreKey; // the current one; only its public part and signature are used
    private uint _nextPreKeyId;
    private long _iqCounter;
    private bool _disposed;

    private SessionManager(IOmemoStore store, IPepTransport pep, ITrustPolicy trust, DeviceListRules rules, string jid,
        uint deviceId, IdentityKeyPair identity, SignedPreKey signedPreKey, SortedDictionary<uint, byte[]> preKeyPublics)
    {
        _store = store;
        _pep = pep;
        _trust = trust;
        _rules = rules;
        Jid = jid;
        DeviceId = deviceId;
        _identity = identity;
        _signedPreKey = signedPreKey;
        _preKeyPublics = preKeyPublics;
        _nextPreKeyId = preKeyPublics.Count == 0 ? 1 : preKeyPublics.Keys.Max() + 1;
    }

    /// <summary>The account's bare JID.</summary>
    public string Jid { get; }

    /// <summary>This device's id.</summary>
    public uint DeviceId { get; }

    /// <summary>This device's 32-byte Ed25519 identity public key.</summary>
    public ReadOnlySpan<byte> IdentityKey => _identity.PublicKey;

    /// <summary>This device's fingerprint (Curve25519 form, lowercase hex in 8 groups of 8).</summary>
    public string Fingerprint => Keys.Fingerprint.FromEd25519(_identity.PublicKey);

    /// <summary>True when publishing the bundle after a pre-key replacement failed; <see cref="PublishBundleAsync"/> retries.</summary>
    public bool IsBundlePublishPending { get; private set; }

    /// <summary>
    /// Opens the device stored in <paramref name="store"/> or, when there is none, creates it: a device id random in
    /// 1..2^31-1 that is not in the fetched own device list, a new identity, a signed pre-key and
    /// <see cref="PreKeyCount"/> pre-keys, all persisted with one commit. Then publishes the bundle and re-announces
    /// the own device in the own device list when it is missing there.
    /// </summary>
    /// <param name="store">The device's store.</param>
    /// <param name="pep">The PEP transport.</param>
    /// <param name="trust">The trust policy (e.g. <see cref="BlindTrustBeforeVerificationPolicy.Instance"/>).</param>
    /// <param name="jid">The account's bare JID.</param>
    /// <param name="options">Key management and cache settings; <see cref="SessionManagerOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentException">The store holds an identity of another JID.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="PepRequestFailedException">Publishing failed.</exception>
    /// <exception cref="TooManyDevicesException">The own device list is too long.</exception>
    public static async Task<SessionManager> CreateAsync(IOmemoStore store, IPepTransport pep, ITrustPolicy trust, string jid,
        SessionManagerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(pep);
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentException.ThrowIfNullOrWhiteSpace(jid);
        options ??= SessionManagerOptions.Default;
        options.Validate();
        var rules = options.Rules;
        string? label = options.Label;
        jid = PepStanzas.BareJid(jid);

        var ownList = await FetchDeviceListAsync(pep, "omemo-create-devices", jid, cancellationToken).ConfigureAwait(false);
        if (ownList is not null) rules.CheckDeviceList(jid, ownList);
        ownList ??= [];

        var changes = new StoreChanges();
        IdentityKeyPair identity;
        uint deviceId;
        string? ownLabel;
        SignedPreKey spk;
        var publics = new SortedDictionary<uint, byte[]>();
        var existing = await store.GetIdentityAsync(cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            identity = IdentityKeyPair.Generate();
            deviceId = DeviceListRules.GenerateDeviceId(ownList.Select(d => d.Id));
            ownLabel = label;
            byte[] seed = new byte[IdentityKeyPair.SeedSize];
            identity.CopySeedTo(seed);
            changes.Identity = new IdentityRecord(jid, deviceId, seed, label);
            spk = SignedPreKey.Generate(identity, 1);
            changes.PutSignedPreKeys.Add(new SignedPreKeyRecord(spk.Id, spk.PrivateKey, spk.Signature, spk.CreatedAt));
            for (uint id = 1; id <= PreKeyCount; id++)
            {
                var pk = PreKey.Generate(id);
                publics.Add(id, pk.PublicKey);
                changes.PutPreKeys.Add(new PreKeyRecord(id, pk.PrivateKey));
            }
        }
        else
        {
            try
            {
                if (existing.Jid != jid) throw new ArgumentException("The store holds the identity of another account.", nameof(jid));
                identity = IdentityKeyPair.FromSeed(existing.IdentitySeed);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(existing.IdentitySeed);
            }
            deviceId = existing.DeviceId;
            ownLabel = existing.Label;
            var spks = await store.GetSignedPreKeysAsync(cancellationToken).ConfigureAwait(false);
            var current = spks.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).FirstOrDefault();
            if (current is null)
            {
                spk = SignedPreKey.Generate(identity, 1);
                changes.PutSignedPreKeys.Add(new SignedPreKeyRecord(spk.Id, spk.PrivateKey, spk.Signature, spk.CreatedAt));
            }
            else
            {
                spk = new SignedPreKey(current.Id, current.PrivateKey.ToArray(), current.Signature, current.CreatedAt);
            }
            foreach (var s in spks) CryptographicOperations.ZeroMemory(s.PrivateKey);
            foreach (var record in await store.GetPreKeysAsync(cancellationToken).ConfigureAwait(false))
            {
                publics.Add(record.Id, new PreKey(record.Id, record.PrivateKey).PublicKey);
                CryptographicOperations.ZeroMemory(record.PrivateKey);
            }
        }
        var manager = new SessionManager(store, pep, trust, rules, jid, deviceId, identity, spk, publics);
        try
        {
            manager.TopUpPreKeys(changes);
            var ownEntry = ownLabel is null ? new DeviceEntry(deviceId) : DeviceEntry.CreateSigned(deviceId, ownLabel, identity);
            var announce = rules.ListToReannounce(ownList, ownEntry);
            changes.PutDeviceLists.Add(new DeviceListRecord(jid, announce ?? ownList, DateTimeOffset.UtcNow));
            if (!changes.IsEmpty) await store.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
            WipeChanges(changes);
            CryptographicOperations.ZeroMemory(spk.PrivateKey); // kept only for its public part and signature
            await manager.PublishBundleCoreAsync(cancellationToken).ConfigureAwait(false);
            if (announce is not null)
            {
                string id = manager.NextIqId();
                string answer = await pep.SendIqAsync(PepStanzas.PublishDeviceList(id, announce), cancellationToken).ConfigureAwait(false);
                PepStanzas.ParsePublishResult(answer, id);
            }
            return manager;
        }
        catch
        {
            WipeChanges(changes);
            CryptographicOperations.ZeroMemory(spk.PrivateKey);
            manager.Dispose();
            throw;
        }
    }

    /// <summary>The bundle this device publishes (current signed pre-key and every unused pre-key).</summary>
    public Bundle GetBundle() => new(_identity.PublicKey.ToArray(), _signedPreKey.Id, _signedPreKey.PublicKey,
        _signedPreKey.Signature, _preKeyPublics.Select(p => new PreKeyPublic(p.Key, p.Value)).ToList());

    /// <summary>Publishes the bundle (again), e.g. after <see cref="IsBundlePublishPending"/> became true.</summary>
    /// <exception cref="PepRequestFailedException">The server refused the publish.</exception>
    public async Task PublishBundleAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { await PublishBundleCoreAsync(cancellationToken).ConfigureAwait(false); }
        finally { _gate.Release(); }
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> (usually an SCE envelope, see <see cref="SceEnvelope"/>) for every device
    /// of <paramref name="recipientJids"/> and every other device of the own account. Missing sessions are built from
    /// freshly fetched bundles (random pre-key). Devices that cannot be encrypted for (no bundle, untrusted, broken)
    /// are reported in <see cref="EncryptResult.Failures"/>; every updated session is persisted in one batch.
    /// </summary>
    /// <param name="recipientJids">The recipients' bare JIDs (many for a group chat).</param>
    /// <param name="plaintext">The payload to encrypt.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="NoRecipientDevicesException">No device at all could be encrypted for.</exception>
    /// <exception cref="TooManyDevicesException">A device list, or the whole message, has too many devices.</exception>
    public async Task<EncryptResult> EncryptAsync(IReadOnlyCollection<string> recipientJids, byte[] plaintext,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipientJids);
        ArgumentNullException.ThrowIfNull(plaintext);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var failures = new List<DeviceFailure>();
            var changes = new StoreChanges();
            var targets = new List<DeviceAddress>();
            var jids = recipientJids.Select(PepStanzas.BareJid).Append(Jid).Distinct(StringComparer.Ordinal).ToList();
            foreach (string jid in jids)
            {
                var list = await FetchDeviceListAsync(_pep, NextIqId(), jid, cancellationToken).ConfigureAwait(false);
                if (list is not null)
                {
                    _rules.CheckDeviceList(jid, list);
                    changes.PutDeviceLists.Add(new DeviceListRecord(jid, list, DateTimeOffset.UtcNow));
                }
                var devices = (list ?? []).Select(d => d.Id).Distinct().Where(id => !(jid == Jid && id == DeviceId)).ToList();
                if (devices.Count == 0 && jid != Jid)
                    failures.Add(new DeviceFailure(new DeviceAddress(jid, 0), DeviceFailureReason.NoDeviceList, "The JID publishes no OMEMO device."));
                targets.AddRange(devices.Select(id => new DeviceAddress(jid, id)));
            }
            _rules.CheckRecipientCount(targets.Count);

            byte[] keyMaterial = new byte[OmemoPayload.KeyMaterialSize];
            var keys = new List<EncryptedKey>();
            try
            {
                byte[] payload = OmemoPayload.Encrypt(plaintext, keyMaterial);
                foreach (var device in targets)
                {
                    using var session = await PrepareSessionAsync(device, changes, failures, cancellationToken).ConfigureAwait(false);
                    if (session is null) continue;
                    bool kex = session.IsKeyExchangePending;
                    keys.Add(new EncryptedKey(device.Jid, device.DeviceId, session.Encrypt(keyMaterial), kex));
                    changes.PutSessions.Add(new SessionRecord(device, session.Serialize()));
                }
                if (keys.Count == 0) throw new NoRecipientDevicesException(failures);
                var element = new EncryptedElement(DeviceId, keys, payload);
                await _store.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
                return new EncryptResult(element, failures);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(keyMaterial);
                WipeChanges(changes);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Decrypts an <c>&lt;encrypted&gt;</c> element sent by a device of <paramref name="senderJid"/>. A key exchange
    /// that repeats the one the existing session was built from is only decrypted with that session; any other key
    /// exchange builds a new session replacing the old one, and its pre-key is deleted and replaced with a fresh one
    /// in the same batch (the bundle is then republished). After a key exchange the result carries an automatic
    /// empty reply to send back. On any failure nothing is written.
    /// </summary>
    /// <param name="senderJid">The sender's JID (the bare part is used).</param>
    /// <param name="element">The parsed element (see <see cref="EncryptedElement.Parse(string)"/>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="NotForThisDeviceException">The element holds no key for this device.</exception>
    /// <exception cref="NoSessionException">A non-key-exchange message from a device without session.</exception>
    /// <exception cref="DuplicateMessageException">The message was already decrypted.</exception>
    /// <exception cref="UntrustedSenderException">The sender's identity key is distrusted.</exception>
    /// <exception cref="OmemoException">Another protocol error (authentication failed, unknown pre-key, malformed message...).</exception>
    public async Task<DecryptResult> DecryptAsync(string senderJid, EncryptedElement element, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(senderJid);
        ArgumentNullException.ThrowIfNull(element);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var key = element.FindKey(Jid, DeviceId) ?? throw new NotForThisDeviceException("The message holds no key for this device.");
            var sender = new DeviceAddress(PepStanzas.BareJid(senderJid), element.SenderDeviceId);
            var changes = new StoreChanges();
            OmemoSession? existing = null;
            OmemoSession? session = null;
            try
            {
                var record = await _store.GetSessionAsync(sender, cancellationToken).ConfigureAwait(false);
                if (record is not null)
                {
                    try { existing = OmemoSession.Deserialize(record.State); }
                    finally { CryptographicOperations.ZeroMemory(record.State); }
                }
                byte[]? plaintext;
                bool newSession = false;
                uint? consumedPreKey = null;
                if (key.IsKeyExchange)
                {
                    var kex = OmemoKeyExchange.Parse(key.Data);
                    await CheckSenderTrustAsync(sender, kex.IdentityKey, changes, cancellationToken).ConfigureAwait(false);
                    if (existing is not null && !existing.IsInitiator && existing.IsSameKeyExchange(kex))
                    {
                        session = existing;
                        existing = null;
                        plaintext = session.DecryptMessage(kex.Message.ToByteArray(), element.Payload);
                    }
                    else
                    {
                        var source = await LoadPreKeySourceAsync(kex, cancellationToken).ConfigureAwait(false);
                        try
                        {
                            session = OmemoSession.AcceptKeyExchangeMessage(_identity, source, key.Data, element.Payload, out plaintext);
                        }
                        finally
                        {
                            source.Wipe();
                        }
                        newSession = true;
                        consumedPreKey = session.UsedPreKeyId;
                        changes.DeletePreKeys.Add(session.UsedPreKeyId);
                    }
                }
                else
                {
                    session = existing ?? throw new NoSessionException("No session with the sending device; it must send a key exchange.");
                    existing = null;
                    await CheckSenderTrustAsync(sender, session.PeerIdentityKey.ToArray(), changes, cancellationToken).ConfigureAwait(false);
                    plaintext = session.DecryptMessage(key.Data, element.Payload);
                }

                EncryptedElement? reply = null;
                if (key.IsKeyExchange)
                {
                    byte[] empty = new byte[OmemoPayload.EmptyKeyMaterialSize];
                    bool kexReply = session.IsKeyExchangePending;
                    reply = new EncryptedElement(DeviceId, [new EncryptedKey(sender.Jid, sender.DeviceId, session.Encrypt(empty), kexReply)], null);
                }
                changes.PutSessions.Add(new SessionRecord(sender, session.Serialize()));
                KeyValuePair<uint, byte[]>? fresh = null;
                if (consumedPreKey is not null)
                {
                    var pk = PreKey.Generate(_nextPreKeyId);
                    changes.PutPreKeys.Add(new PreKeyRecord(pk.Id, pk.PrivateKey));
                    fresh = new(pk.Id, pk.PublicKey);
                }
                await _store.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
                if (consumedPreKey is { } used && fresh is { } f)
                {
                    _preKeyPublics.Remove(used);
                    _preKeyPublics[f.Key] = f.Value;
                    _nextPreKeyId = f.Key + 1;
                    try
                    {
                        await PublishBundleCoreAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (OmemoException)
                    {
                        IsBundlePublishPending = true; // the message is accepted; the app retries with PublishBundleAsync
                    }
                }
                return new DecryptResult(plaintext, sender, key.IsKeyExchange, newSession, reply);
            }
            finally
            {
                existing?.Dispose();
                session?.Dispose();
                WipeChanges(changes);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Wipes the identity; further calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _identity.Dispose();
        _gate.Dispose();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private string NextIqId() => $"omemo-{DeviceId}-{Interlocked.Increment(ref _iqCounter)}";

    private void TopUpPreKeys(StoreChanges changes)
    {
        while (_preKeyPublics.Count < PreKeyCount)
        {
            var pk = PreKey.Generate(_nextPreKeyId++);
            _preKeyPublics.Add(pk.Id, pk.PublicKey);
            changes.PutPreKeys.Add(new PreKeyRecord(pk.Id, pk.PrivateKey));
        }
    }

    private async Task PublishBundleCoreAsync(CancellationToken cancellationToken)
    {
        string id = NextIqId();
        string answer = await _pep.SendIqAsync(PepStanzas.PublishBundle(id, DeviceId, GetBundle()), cancellationToken).ConfigureAwait(false);
        PepStanzas.ParsePublishResult(answer, id);
        IsBundlePublishPending = false;
    }

    private static async Task<IReadOnlyList<DeviceEntry>?> FetchDeviceListAsync(IPepTransport pep, string id, string jid, CancellationToken cancellationToken)
    {
        string answer = await pep.SendIqAsync(PepStanzas.FetchDeviceList(id, jid), cancellationToken).ConfigureAwait(false);
        try
        {
            return PepStanzas.ParseDeviceListResult(answer, id);
        }
        catch (PepRequestFailedException)
        {
            return null; // item-not-found and the like: no published list
        }
    }

    /// <summary>The session to encrypt for <paramref name="device"/>: the stored one or one built from its bundle; null (with a failure) when none.</summary>
    private async Task<OmemoSession?> PrepareSessionAsync(DeviceAddress device, StoreChanges changes, List<DeviceFailure> failures, CancellationToken cancellationToken)
    {
        var record = await _store.GetSessionAsync(device, cancellationToken).ConfigureAwait(false);
        OmemoSession? session = null;
        try
        {
            byte[] identityKey;
            Bundle? bundle = null;
            if (record is not null)
            {
                try
                {
                    session = OmemoSession.Deserialize(record.State);
                }
                catch (MalformedMessageException)
                {
                    failures.Add(new DeviceFailure(device, DeviceFailureReason.Broken, "The stored session is corrupt."));
                    return null;
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(record.State);
                }
                identityKey = session.PeerIdentityKey.ToArray();
            }
            else
            {
                string id = NextIqId();
                try
                {
                    string answer = await _pep.SendIqAsync(PepStanzas.FetchBundle(id, device.Jid, device.DeviceId), cancellationToken).ConfigureAwait(false);
                    bundle = PepStanzas.ParseBundleResult(answer, device.DeviceId, id);
                }
                catch (Exception e) when (e is PepRequestFailedException or MalformedMessageException)
                {
                    failures.Add(new DeviceFailure(device, DeviceFailureReason.NoBundle, e.Message));
                    return null;
                }
                identityKey = bundle.IdentityKey;
            }

            TrustDecision decision;
            try
            {
                decision = await DecideTrustAsync(device, identityKey, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidKeyException e)
            {
                failures.Add(new DeviceFailure(device, DeviceFailureReason.Broken, e.Message));
                session?.Dispose();
                return null;
            }
            if (!decision.EncryptFor)
            {
                failures.Add(new DeviceFailure(device, DeviceFailureReason.Untrusted, $"The device's identity key is {decision.Level}."));
                if (decision.IsNew) changes.PutTrust.Add(decision.Record);
                session?.Dispose();
                return null;
            }
            if (decision.IsNew) changes.PutTrust.Add(decision.Record);

            if (session is null)
            {
                try
                {
                    session = OmemoSession.Initiate(_identity, bundle!);
                }
                catch (Exception e) when (e is InvalidSignatureException or MissingPreKeyException or InvalidKeyException)
                {
                    failures.Add(new DeviceFailure(device, DeviceFailureReason.Broken, e.Message));
                    return null;
                }
            }
            var result = session;
            session = null;
            return result;
        }
        finally
        {
            session?.Dispose();
        }
    }

    private async Task<TrustDecision> DecideTrustAsync(DeviceAddress device, byte[] identityKey, CancellationToken cancellationToken)
    {
        var stored = await _store.GetTrustAsync(device, identityKey, cancellationToken).ConfigureAwait(false);
        TrustRecord[] records = stored is null ? [] : [stored];
        return _trust.Decide(device, identityKey, records);
    }

    private async Task CheckSenderTrustAsync(DeviceAddress sender, byte[] identityKey, StoreChanges changes, CancellationToken cancellationToken)
    {
        var decision = await DecideTrustAsync(sender, identityKey, cancellationToken).ConfigureAwait(false);
        if (!decision.AcceptFrom) throw new UntrustedSenderException("The sending device's identity key is distrusted.");
        if (decision.IsNew) changes.PutTrust.Add(decision.Record);
    }

    private async Task<StoredPreKeys> LoadPreKeySourceAsync(OmemoKeyExchange kex, CancellationToken cancellationToken)
    {
        var source = new StoredPreKeys();
        foreach (var spk in await _store.GetSignedPreKeysAsync(cancellationToken).ConfigureAwait(false))
            source.SignedPreKeys[spk.Id] = new SignedPreKey(spk.Id, spk.PrivateKey, spk.Signature, spk.CreatedAt);
        if (await _store.GetPreKeyAsync(kex.PreKeyId, cancellationToken).ConfigureAwait(false) is { } pk)
            source.PreKeys[pk.Id] = new PreKey(pk.Id, pk.PrivateKey);
        return source;
    }

    private static void WipeChanges(StoreChanges changes)
    {
        if (changes.Identity is not null) CryptographicOperations.ZeroMemory(changes.Identity.IdentitySeed);
        foreach (var s in changes.PutSignedPreKeys) CryptographicOperations.ZeroMemory(s.PrivateKey);
        foreach (var p in changes.PutPreKeys) CryptographicOperations.ZeroMemory(p.PrivateKey);
        foreach (var s in changes.PutSessions) CryptographicOperations.ZeroMemory(s.State);
        changes.Identity = null;
        changes.PutSignedPreKeys.Clear();
        changes.PutPreKeys.Clear();
        changes.PutSessions.Clear();
    }

    /// <summary>The own pre-keys a key exchange names, loaded from the store for <see cref="OmemoSession.AcceptKeyExchange(IdentityKeyPair, IPreKeySource, ReadOnlySpan{byte}, out byte[])"/>.</summary>
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
