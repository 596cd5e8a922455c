using System.Security.Cryptography;
using Omemo.Errors;
using Omemo.Pep;
using Omemo.Storage;
using Omemo.X3dh;
using Omemo.Xml;

namespace Omemo.Sessions;

// Own keys: the bundle, pre-key refill, signed pre-key rotation, publishing and history catch-up mode.
public sealed partial class SessionManager
{
    private bool _catchingUp;
    private readonly SortedSet<uint> _deferredPreKeyDeletions = [];
    private readonly HashSet<DeviceAddress> _catchUpReplies = [];

    /// <summary>
    /// Raised just before the manager publishes to PEP (through its <see cref="IPepTransport"/>), with what it
    /// publishes: an application that mirrors PEP elsewhere, or logs, learns every bundle and device-list change here.
    /// </summary>
    public event EventHandler<PublishEventArgs>? Publishing;

    /// <summary>True when publishing the bundle after a key change failed; <see cref="PublishBundleAsync"/> retries.</summary>
    public bool IsBundlePublishPending { get; private set; }

    /// <summary>True between <see cref="BeginCatchUp"/> and <see cref="EndCatchUpAsync"/>.</summary>
    public bool IsCatchingUp => _catchingUp;

    /// <summary>The number of one-time pre-keys in the published bundle.</summary>
    public int PreKeyCount => _preKeyPublics.Count;

    /// <summary>The id and creation time of the current signed pre-key.</summary>
    public (uint Id, DateTimeOffset CreatedAt) CurrentSignedPreKey => (_signedPreKey.Id, _signedPreKey.CreatedAt);

    /// <summary>The bundle this device publishes (current signed pre-key and every unused pre-key).</summary>
    public Bundle GetBundle() => new(_identity.PublicKey.ToArray(), _signedPreKey.Id, _signedPreKey.PublicKey,
        _signedPreKey.Signature, _preKeyPublics.Select(p => new PreKeyPublic(p.Key, p.Value)).ToList());

    /// <summary>Publishes the bundle (again), e.g. after <see cref="IsBundlePublishPending"/> became true.</summary>
    /// <exception cref="PepRequestFailedException">The server refused the publish.</exception>
    public Task PublishBundleAsync(CancellationToken cancellationToken = default) =>
        LockedAsync(async () => { await PublishBundleCoreAsync(cancellationToken).ConfigureAwait(false); return true; }, cancellationToken);

    /// <summary>
    /// Rotates the signed pre-key when it is older than <see cref="SessionManagerOptions.SignedPreKeyRotationPeriod"/>
    /// (keeping the previous one for one more period, deleting older ones) and refills the pre-keys, then publishes
    /// the bundle if anything changed. Encrypting and decrypting do this on their own; long-running applications
    /// without traffic call it periodically. Returns whether the bundle changed.
    /// </summary>
    /// <exception cref="PepRequestFailedException">The keys changed (and are stored) but publishing failed; <see cref="IsBundlePublishPending"/> is set.</exception>
    public Task<bool> MaintainKeysAsync(CancellationToken cancellationToken = default) =>
        LockedAsync(async () =>
        {
            var changes = new StoreChanges();
            try
            {
                var plan = await PlanKeyMaintenanceAsync(changes, [], cancellationToken).ConfigureAwait(false);
                if (!plan.Changed) return false;
                await _store.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
                ApplyKeyPlan(plan);
                await PublishBundleCoreAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            finally
            {
                WipeChanges(changes);
            }
        }, cancellationToken);

    /// <summary>
    /// Enters history catch-up mode (e.g. while fetching the message archive, XEP-0313): pre-keys consumed by key
    /// exchanges are not deleted yet and no automatic replies are returned, so several archived key exchanges that
    /// used the same pre-key still decrypt. <see cref="EndCatchUpAsync"/> deletes them and returns the empty messages
    /// that move every such session away from the possibly reused pre-key (XEP-0384 section 7). A process that stops
    /// during catch-up keeps those pre-keys until the next key exchange consumes them again.
    /// </summary>
    public void BeginCatchUp()
    {
        _gate.Wait();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _catchingUp = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Leaves history catch-up mode: deletes the pre-keys consumed during it, refills and republishes the bundle, and
    /// returns the empty OMEMO messages to send now, one <c>&lt;encrypted&gt;</c> element per JID (to every device
    /// that completed a key exchange or was due a heartbeat during catch-up). Everything is committed in one batch.
    /// </summary>
    /// <exception cref="PepRequestFailedException">Stored, but publishing the bundle failed; <see cref="IsBundlePublishPending"/> is set.</exception>
    public Task<IReadOnlyList<EncryptedElement>> EndCatchUpAsync(CancellationToken cancellationToken = default) =>
        LockedAsync<IReadOnlyList<EncryptedElement>>(async () =>
        {
            if (!_catchingUp) return [];
            var changes = new StoreChanges();
            try
            {
                var plan = await PlanKeyMaintenanceAsync(changes, _deferredPreKeyDeletions, cancellationToken).ConfigureAwait(false);
                var keys = new List<EncryptedKey>();
                foreach (var device in _catchUpReplies.OrderBy(d => d.Jid, StringComparer.Ordinal).ThenBy(d => d.DeviceId))
                {
                    using var session = await LoadSessionAsync(device, cancellationToken).ConfigureAwait(false);
                    if (session is null) continue; // replaced or deleted since
                    keys.Add(EncryptEmpty(device, session, changes));
                }
                await _store.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
                ApplyKeyPlan(plan);
                _catchingUp = false;
                _deferredPreKeyDeletions.Clear();
                _catchUpReplies.Clear();
                if (plan.Changed) await PublishBundleAfterChangeAsync(cancellationToken).ConfigureAwait(false);
                return [.. keys.GroupBy(k => k.Jid, StringComparer.Ordinal).Select(g => new EncryptedElement(DeviceId, [.. g], null))];
            }
            finally
            {
                WipeChanges(changes);
            }
        }, cancellationToken);

    // ---- planning and applying key changes --------------------------------------------------------------------

    /// <summary>What a batch changes in the bundle; applied to the in-memory bundle only after the commit succeeded.</summary>
    private sealed record KeyPlan(IReadOnlyCollection<uint> RemovedPreKeys, IReadOnlyList<PreKeyPublic> AddedPreKeys, SignedPreKey? NewSignedPreKey)
    {
        public bool Changed => RemovedPreKeys.Count > 0 || AddedPreKeys.Count > 0 || NewSignedPreKey is not null;
    }

    /// <summary>
    /// Adds to <paramref name="changes"/>: deletion of <paramref name="consumedPreKeys"/>, a refill when fewer than
    /// the threshold remain, and a signed pre-key rotation when due.
    /// </summary>
    private async Task<KeyPlan> PlanKeyMaintenanceAsync(StoreChanges changes, IReadOnlyCollection<uint> consumedPreKeys, CancellationToken cancellationToken)
    {
        var removed = consumedPreKeys.Where(_preKeyPublics.ContainsKey).ToList();
        changes.DeletePreKeys.AddRange(consumedPreKeys);
        var added = PlanPreKeyRefill(changes, _preKeyPublics.Count - removed.Count, force: false);
        var spk = await PlanSignedPreKeyRotationAsync(changes, cancellationToken).ConfigureAwait(false);
        return new KeyPlan(removed, added, spk);
    }

    private List<PreKeyPublic> PlanPreKeyRefill(StoreChanges changes, int remaining, bool force)
    {
        var added = new List<PreKeyPublic>();
        if (!force && remaining >= _options.PreKeyRefillThreshold) return added;
        uint id = _nextPreKeyId;
        for (int i = remaining; i < _options.PreKeyCount; i++)
        {
            var pk = PreKey.Generate(id++);
            changes.PutPreKeys.Add(new PreKeyRecord(pk.Id, pk.PrivateKey)); // wiped with the batch
            added.Add(pk.ToPublic());
        }
        return added;
    }

    /// <summary>Fills the bundle up to <see cref="SessionManagerOptions.PreKeyCount"/> (creation and reopening).</summary>
    private void TopUpPreKeys(StoreChanges changes, bool force)
    {
        var added = PlanPreKeyRefill(changes, _preKeyPublics.Count, force);
        ApplyKeyPlan(new KeyPlan([], added, null));
    }

    /// <summary>A new signed pre-key when the current one is older than the rotation period; older ones but the current are deleted.</summary>
    private async Task<SignedPreKey?> PlanSignedPreKeyRotationAsync(StoreChanges changes, CancellationToken cancellationToken)
    {
        if (Now - _signedPreKey.CreatedAt < _options.SignedPreKeyRotationPeriod) return null;
        var stored = await _store.GetSignedPreKeysAsync(cancellationToken).ConfigureAwait(false);
        foreach (var s in stored) CryptographicOperations.ZeroMemory(s.PrivateKey);
        uint nextId = stored.Count == 0 ? _signedPreKey.Id + 1 : Math.Max(stored.Max(s => s.Id), _signedPreKey.Id) + 1;
        changes.DeleteSignedPreKeys.AddRange(stored.Where(s => s.Id != _signedPreKey.Id).Select(s => s.Id));
        var spk = SignedPreKey.Generate(_identity, nextId, Now);
        changes.PutSignedPreKeys.Add(new SignedPreKeyRecord(spk.Id, spk.PrivateKey, spk.Signature, spk.CreatedAt)); // wiped with the batch
        return spk;
    }

    private void ApplyKeyPlan(KeyPlan plan)
    {
        foreach (uint id in plan.RemovedPreKeys) _preKeyPublics.Remove(id);
        foreach (var pk in plan.AddedPreKeys)
        {
            _preKeyPublics[pk.Id] = pk.PublicKey;
            _nextPreKeyId = Math.Max(_nextPreKeyId, pk.Id + 1);
        }
        if (plan.NewSignedPreKey is { } spk) _signedPreKey = spk;
    }

    // ---- publishing ------------------------------------------------------------------------------------------

    private async Task PublishBundleCoreAsync(CancellationToken cancellationToken)
    {
        IsBundlePublishPending = true;
        if (_options.EnableOmemo2)
        {
            string id = NextIqId();
            string iq = PepStanzas.PublishBundle(id, DeviceId, GetBundle());
            Publishing?.Invoke(this, new PublishEventArgs(PublishKind.Bundle, iq));
            string answer = await _pep.SendIqAsync(iq, cancellationToken).ConfigureAwait(false);
            PepStanzas.ParsePublishResult(answer, id);
        }
        if (_options.EnableLegacyOmemo) await PublishLegacyBundleCoreAsync(cancellationToken).ConfigureAwait(false);
        IsBundlePublishPending = false;
    }

    /// <summary>Publishes after a committed key change; a failure leaves <see cref="IsBundlePublishPending"/> set for a retry.</summary>
    private async Task PublishBundleAfterChangeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PublishBundleCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OmemoException)
        {
            // The message is accepted and the keys are stored; the application retries with PublishBundleAsync.
        }
    }

    private async Task PublishDeviceListCoreAsync(IReadOnlyList<DeviceEntry> devices, CancellationToken cancellationToken)
    {
        string id = NextIqId();
        string iq = PepStanzas.PublishDeviceList(id, devices);
        Publishing?.Invoke(this, new PublishEventArgs(PublishKind.DeviceList, iq));
        string answer = await _pep.SendIqAsync(iq, cancellationToken).ConfigureAwait(false);
        PepStanzas.ParsePublishResult(answer, id);
    }
}
