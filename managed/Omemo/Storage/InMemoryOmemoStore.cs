namespace Omemo.Storage;

/// <summary>
/// An <see cref="IOmemoStore"/> kept in memory: for tests, the demo and short-lived bots. One lock guards all state;
/// <see cref="CommitAsync"/> validates the whole batch and copies it before applying anything, so a refused batch
/// leaves the store unchanged. Records are copied on the way in and on the way out, so callers may wipe what they
/// passed or received. Secrets that are replaced, deleted or still held at <see cref="DisposeAsync"/> are zeroed.
/// JIDs are compared ordinally: pass normalized bare JIDs. Lists are returned in ascending id order.
/// </summary>
public sealed class InMemoryOmemoStore : IOmemoStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, SignedPreKeyRecord> _signedPreKeys = [];
    private readonly Dictionary<uint, PreKeyRecord> _preKeys = [];
    private uint _highestPreKeyId;
    private readonly Dictionary<string, SortedDictionary<(uint DeviceId, OmemoVersion Version), SessionRecord>> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceListRecord> _deviceLists = new(StringComparer.Ordinal);
    private readonly Dictionary<TrustKey, TrustRecord> _trust = [];
    private IdentityRecord? _identity;
    private bool _disposed;

    /// <inheritdoc />
    public Task<IdentityRecord?> GetIdentityAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ThrowIfDisposed();
            return Task.FromResult(_identity is null ? null : RecordCopies.Copy(_identity));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SignedPreKeyRecord>> GetSignedPreKeysAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ThrowIfDisposed();
            IReadOnlyList<SignedPreKeyRecord> result =
                [.. _signedPreKeys.Values.OrderBy(r => r.Id).Select(RecordCopies.Copy)];
            return Task.FromResult(result);
        }
    }

    /// <inheritdoc />
    public Task<PreKeyRecord?> GetPreKeyAsync(uint id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ThrowIfDisposed();
            return Task.FromResult(_preKeys.TryGetValue(id, out var r) ? RecordCopies.Copy(r) : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PreKeyRecord>> GetPreKeysAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ThrowIfDisposed();
            IReadOnlyList<PreKeyRecord> result = [.. _preKeys.Values.OrderBy(r => r.Id).Select(RecordCopies.Copy)];
            return Task.FromResult(result);
        }
    }

    /// <inheritdoc />
    public Task<uint> GetHighestPreKeyIdAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ThrowIfDisposed();
            return Task.FromResult(_highestPreKeyId);
        }
    }

    /// <inheritdoc />
    public Task<SessionRecord?> GetSessionAsync(DeviceAddress device, CancellationToken cancellationToken = default) =>
        GetSessionAsync(device, OmemoVersion.Omemo2, cancellationToken);

    /// <inheritdoc />
    public Task<SessionRecord?> GetSessionAsync(DeviceAddress device, OmemoVersion version, CancellationToken cancellationToken = default)
    {
        StoreValidation.CheckAddress(device, "session");
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ThrowIfDisposed();
            SessionRecord? found = _sessions.TryGetValue(device.Jid, out var byId) && byId.TryGetValue((device.DeviceId, version), out var r)
                ? RecordCopies.Copy(r)
                : null;
            return Task.FromResult(found);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SessionRecord>> GetSessionsAsync(string jid, CancellationToken cancellationToken = default)
    {
        StoreValidation.CheckJid(jid, "session lookup");
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ThrowIfDisposed();
            IReadOnlyList<SessionRecord> result = _sessions.TryGetValue(jid, out var byId)
                ? [.. byId.Values.Select(RecordCopies.Copy)]
                : [];
            return Task.FromResult(result);
        }
    }

    /// <inheritdoc />
    public Task<DeviceListRecord?> GetDeviceListAsync(string jid, CancellationToken cancellationToken = default)
    {
        StoreValidation.CheckJid(jid, "device list lookup");
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ThrowIfDisposed();
            return Task.FromResult(_deviceLists.TryGetValue(jid, out var r) ? RecordCopies.Copy(r) : null);
        }
    }

    /// <inheritdoc />
    public Task<TrustRecord?> GetTrustAsync(DeviceAddress device, ReadOnlyMemory<byte> identityKey,
        CancellationToken cancellationToken = default)
    {
        StoreValidation.CheckAddress(device, "trust lookup");
        cancellationToken.ThrowIfCancellationRequested();
        var key = new TrustKey(device.Jid, device.DeviceId, Convert.ToHexString(identityKey.Span));
        lock (_lock)
        {
            ThrowIfDisposed();
            return Task.FromResult(_trust.TryGetValue(key, out var r) ? RecordCopies.Copy(r) : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TrustRecord>> GetTrustsAsync(string jid, CancellationToken cancellationToken = default)
    {
        StoreValidation.CheckJid(jid, "trust lookup");
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ThrowIfDisposed();
            IReadOnlyList<TrustRecord> result = [.. _trust.Where(t => t.Key.Jid == jid).OrderBy(t => t.Key.DeviceId)
                .ThenBy(t => t.Key.IdentityKeyHex, StringComparer.Ordinal).Select(t => RecordCopies.Copy(t.Value))];
            return Task.FromResult(result);
        }
    }

    /// <summary>
    /// Applies the batch atomically: it is validated (<see cref="ArgumentException"/> on a malformed record) and copied
    /// first, then applied under the lock where nothing can fail. Within a batch, deletions come before insertions.
    /// </summary>
    public Task CommitAsync(StoreChanges changes, CancellationToken cancellationToken = default)
    {
        StoreValidation.Validate(changes);
        cancellationToken.ThrowIfCancellationRequested();
        IdentityRecord? identity = changes.Identity is null ? null : RecordCopies.Copy(changes.Identity);
        var spks = changes.PutSignedPreKeys.Select(RecordCopies.Copy).ToList();
        var preKeys = changes.PutPreKeys.Select(RecordCopies.Copy).ToList();
        var sessions = changes.PutSessions.Select(RecordCopies.Copy).ToList();
        var lists = changes.PutDeviceLists.Select(RecordCopies.Copy).ToList();
        var trust = changes.PutTrust.Select(RecordCopies.Copy).ToList();
        lock (_lock)
        {
            ThrowIfDisposed();
            if (identity is not null)
            {
                if (_identity is not null) RecordCopies.Wipe(_identity.IdentitySeed);
                _identity = identity;
            }
            foreach (uint id in changes.DeleteSignedPreKeys) RemoveSignedPreKey(id);
            foreach (var r in spks) { RemoveSignedPreKey(r.Id); _signedPreKeys[r.Id] = r; }
            foreach (uint id in changes.DeletePreKeys) RemovePreKey(id);
            foreach (var r in preKeys) { RemovePreKey(r.Id); _preKeys[r.Id] = r; _highestPreKeyId = Math.Max(_highestPreKeyId, r.Id); }
            foreach (var device in changes.DeleteSessions) RemoveSession(device);
            foreach (var r in sessions)
            {
                if (!_sessions.TryGetValue(r.Device.Jid, out var byId))
                    _sessions[r.Device.Jid] = byId = [];
                if (byId.Remove((r.Device.DeviceId, r.Version), out var old)) RecordCopies.Wipe(old.State);
                byId[(r.Device.DeviceId, r.Version)] = r;
            }
            foreach (var r in lists) _deviceLists[r.Jid] = r;
            foreach (var r in trust)
                _trust[new TrustKey(r.Device.Jid, r.Device.DeviceId, Convert.ToHexString(r.IdentityKey))] = r;
        }
        return Task.CompletedTask;
    }

    /// <summary>Zeroes every secret held (identity seed, private keys, session states) and empties the store.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed) return ValueTask.CompletedTask;
            _disposed = true;
            if (_identity is not null) RecordCopies.Wipe(_identity.IdentitySeed);
            _identity = null;
            foreach (var r in _signedPreKeys.Values) RecordCopies.Wipe(r.PrivateKey);
            foreach (var r in _preKeys.Values) RecordCopies.Wipe(r.PrivateKey);
            foreach (var byId in _sessions.Values)
                foreach (var r in byId.Values) RecordCopies.Wipe(r.State);
            _signedPreKeys.Clear();
            _preKeys.Clear();
            _sessions.Clear();
            _deviceLists.Clear();
            _trust.Clear();
        }
        return ValueTask.CompletedTask;
    }

    private void RemoveSignedPreKey(uint id)
    {
        if (_signedPreKeys.Remove(id, out var old)) RecordCopies.Wipe(old.PrivateKey);
    }

    private void RemovePreKey(uint id)
    {
        if (_preKeys.Remove(id, out var old)) RecordCopies.Wipe(old.PrivateKey);
    }

    private void RemoveSession(DeviceAddress device)
    {
        if (!_sessions.TryGetValue(device.Jid, out var byId)) return;
        foreach (var version in Enum.GetValues<OmemoVersion>())
            if (byId.Remove((device.DeviceId, version), out var old)) RecordCopies.Wipe(old.State);
        if (byId.Count == 0) _sessions.Remove(device.Jid);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private readonly record struct TrustKey(string Jid, uint DeviceId, string IdentityKeyHex);
}
