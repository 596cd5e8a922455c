using System.Security.Cryptography;
using Omemo.Devices;
using Omemo.Errors;
using Omemo.Pep;
using Omemo.Storage;
using Omemo.TrustPolicies;
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
/// <remarks>
/// The class is split by concern: creation and state here, own keys and publishing in <c>SessionManager.Keys.cs</c>,
/// sending in <c>SessionManager.Encrypt.cs</c>, receiving in <c>SessionManager.Decrypt.cs</c>, device lists and
/// trust in <c>SessionManager.Devices.cs</c>, legacy OMEMO 0.3 in <c>SessionManager.Legacy.cs</c> (keys, device lists)
/// and <c>SessionManager.LegacyMessages.cs</c>.
/// </remarks>
public sealed partial class SessionManager : IDisposable
{
    private readonly IOmemoStore _store;
    private readonly IPepTransport _pep;
    private readonly ITrustPolicy _trust;
    private readonly SessionManagerOptions _options;
    private readonly IdentityKeyPair _identity;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SortedDictionary<uint, byte[]> _preKeyPublics;
    private readonly SessionBatchEncryptor _batchEncryptor = new();
    private Legacy.LegacySessionBatchEncryptor? _legacyBatchEncryptor; // made on the first legacy fan-out
    private SignedPreKey _signedPreKey; // the current one; only its public part, signature and age are used
    private uint _nextPreKeyId;
    private long _iqCounter;
    private bool _disposed;

    private SessionManager(IOmemoStore store, IPepTransport pep, ITrustPolicy trust, SessionManagerOptions options, string jid,
        uint deviceId, IdentityKeyPair identity, SignedPreKey signedPreKey, SortedDictionary<uint, byte[]> preKeyPublics, uint nextPreKeyId)
    {
        _store = store;
        _pep = pep;
        _trust = trust;
        _options = options;
        Jid = jid;
        DeviceId = deviceId;
        _identity = identity;
        _signedPreKey = signedPreKey;
        _preKeyPublics = preKeyPublics;
        _nextPreKeyId = Math.Max(nextPreKeyId, preKeyPublics.Count == 0 ? 1 : preKeyPublics.Keys.Max() + 1);
    }

    /// <summary>The account's bare JID.</summary>
    public string Jid { get; }

    /// <summary>This device's id.</summary>
    public uint DeviceId { get; }

    /// <summary>This device's 32-byte Ed25519 identity public key.</summary>
    public ReadOnlySpan<byte> IdentityKey => _identity.PublicKey;

    /// <summary>This device's fingerprint (Curve25519 form, lowercase hex in 8 groups of 8).</summary>
    public string Fingerprint => Keys.Fingerprint.FromEd25519(_identity.PublicKey);

    /// <summary>The settings this manager runs with.</summary>
    public SessionManagerOptions Options => _options;

    /// <summary>
    /// Opens the device stored in <paramref name="store"/> or, when there is none, creates it: a device id random in
    /// 1..2^31-1 that is not in the fetched own device list, a new identity, a signed pre-key and
    /// <see cref="SessionManagerOptions.PreKeyCount"/> pre-keys, all persisted with one commit. An opened device
    /// rotates its signed pre-key when due and refills its pre-keys. Then publishes the bundle and re-announces the
    /// own device in the own device list when it is missing there.
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
        jid = PepStanzas.BareJid(jid);

        var ownList = await FetchDeviceListAsync(pep, $"omemo-create-{Guid.NewGuid():N}", jid, cancellationToken).ConfigureAwait(false);
        if (ownList is not null) options.Rules.CheckDeviceList(jid, ownList);
        ownList ??= [];

        var changes = new StoreChanges();
        SessionManager? manager = null;
        try
        {
            var existing = await store.GetIdentityAsync(cancellationToken).ConfigureAwait(false);
            manager = existing is null
                ? CreateDevice(store, pep, trust, options, jid, ownList, changes)
                : await OpenDeviceAsync(store, pep, trust, options, jid, existing, changes, cancellationToken).ConfigureAwait(false);
            if (await manager.PlanSignedPreKeyRotationAsync(changes, cancellationToken).ConfigureAwait(false) is { } rotated)
                manager._signedPreKey = rotated;
            manager.TopUpPreKeys(changes, force: true);
            manager._label = existing is null ? options.Label : existing.Label;
            var announce = options.EnableOmemo2 ? options.Rules.ListToReannounce(ownList, manager.OwnEntry()) : null;
            changes.PutDeviceLists.Add(new DeviceListRecord(jid, announce ?? ownList, options.Clock.GetUtcNow()));
            await store.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
            await manager.PublishBundleCoreAsync(cancellationToken).ConfigureAwait(false);
            if (announce is not null) await manager.PublishDeviceListCoreAsync(announce, cancellationToken).ConfigureAwait(false);
            if (options.EnableLegacyOmemo) await manager.AnnounceLegacyDeviceAsync(cancellationToken).ConfigureAwait(false);
            var result = manager;
            manager = null;
            return result;
        }
        finally
        {
            WipeChanges(changes);
            manager?.Dispose();
        }
    }

    private static SessionManager CreateDevice(IOmemoStore store, IPepTransport pep, ITrustPolicy trust, SessionManagerOptions options,
        string jid, IReadOnlyList<DeviceEntry> ownList, StoreChanges changes)
    {
        var identity = IdentityKeyPair.Generate();
        uint deviceId = DeviceListRules.GenerateDeviceId(ownList.Select(d => d.Id));
        byte[] seed = new byte[IdentityKeyPair.SeedSize];
        identity.CopySeedTo(seed);
        changes.Identity = new IdentityRecord(jid, deviceId, seed, options.Label);
        var spk = SignedPreKey.Generate(identity, 1, options.Clock.GetUtcNow());
        changes.PutSignedPreKeys.Add(new SignedPreKeyRecord(spk.Id, spk.PrivateKey, spk.Signature, spk.CreatedAt));
        return new SessionManager(store, pep, trust, options, jid, deviceId, identity, spk, [], 1);
    }

    private static async Task<SessionManager> OpenDeviceAsync(IOmemoStore store, IPepTransport pep, ITrustPolicy trust,
        SessionManagerOptions options, string jid, IdentityRecord existing, StoreChanges changes, CancellationToken cancellationToken)
    {
        IdentityKeyPair identity;
        try
        {
            if (existing.Jid != jid) throw new ArgumentException("The store holds the identity of another account.", nameof(jid));
            identity = IdentityKeyPair.FromSeed(existing.IdentitySeed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(existing.IdentitySeed);
        }
        try
        {
            var spks = await store.GetSignedPreKeysAsync(cancellationToken).ConfigureAwait(false);
            var current = spks.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).FirstOrDefault();
            SignedPreKey spk;
            if (current is null)
            {
                spk = SignedPreKey.Generate(identity, 1, options.Clock.GetUtcNow());
                changes.PutSignedPreKeys.Add(new SignedPreKeyRecord(spk.Id, spk.PrivateKey, spk.Signature, spk.CreatedAt));
            }
            else
            {
                spk = new SignedPreKey(current.Id, current.PrivateKey.ToArray(), current.Signature, current.CreatedAt);
                CryptographicOperations.ZeroMemory(spk.PrivateKey); // only the public part is kept in memory
            }
            foreach (var s in spks) CryptographicOperations.ZeroMemory(s.PrivateKey);
            var publics = new SortedDictionary<uint, byte[]>();
            foreach (var record in await store.GetPreKeysAsync(cancellationToken).ConfigureAwait(false))
            {
                publics.Add(record.Id, new PreKey(record.Id, record.PrivateKey).PublicKey);
                CryptographicOperations.ZeroMemory(record.PrivateKey);
            }
            uint highest = await store.GetHighestPreKeyIdAsync(cancellationToken).ConfigureAwait(false);
            return new SessionManager(store, pep, trust, options, jid, existing.DeviceId, identity, spk, publics, highest + 1);
        }
        catch
        {
            identity.Dispose();
            throw;
        }
    }

    /// <summary>Wipes the identity; further calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _identity.Dispose();
        _batchEncryptor.Dispose();
        _legacyBatchEncryptor?.Dispose();
        _gate.Dispose();
    }

    // ---- helpers shared by the partial files -------------------------------------------------------------------

    /// <summary>Runs <paramref name="body"/> under the instance lock (operations are serialized).</summary>
    private async Task<T> LockedAsync<T>(Func<Task<T>> body, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _trustCache.Clear();
            return await body().ConfigureAwait(false);
        }
        finally
        {
            _trustCache.Clear();
            _gate.Release();
        }
    }

    private string NextIqId() => $"omemo-{DeviceId}-{Interlocked.Increment(ref _iqCounter)}";

    private DateTimeOffset Now => _options.Clock.GetUtcNow();

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
}
