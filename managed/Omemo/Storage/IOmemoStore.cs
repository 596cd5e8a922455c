namespace Omemo.Storage;

/// <summary>
/// Durable state of one OMEMO device (one account on one device): identity, pre-keys, sessions, device lists
/// and trust. Reads are individual; every write goes through <see cref="CommitAsync"/>, which applies a whole
/// <see cref="StoreChanges"/> batch atomically, so a crash never leaves a ratchet state without the pre-key
/// deletion that belongs to it, or half a fan-out. Implementations: <see cref="InMemoryOmemoStore"/> and
/// <see cref="SqliteOmemoStore"/> (the embedded default). Implementations are safe for concurrent use.
/// Records returned contain secrets and are the caller's own copies: callers wipe them when done. Lists come in
/// ascending id order; JIDs are compared ordinally (pass normalized bare JIDs).
/// </summary>
public interface IOmemoStore : IAsyncDisposable
{
    /// <summary>The own identity, or null before the device was created.</summary>
    Task<IdentityRecord?> GetIdentityAsync(CancellationToken cancellationToken = default);

    /// <summary>Every stored signed pre-key (the current one and those kept for one more rotation period).</summary>
    Task<IReadOnlyList<SignedPreKeyRecord>> GetSignedPreKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>The one-time pre-key with this id, or null when unknown or already consumed.</summary>
    Task<PreKeyRecord?> GetPreKeyAsync(uint id, CancellationToken cancellationToken = default);

    /// <summary>Every stored one-time pre-key.</summary>
    Task<IReadOnlyList<PreKeyRecord>> GetPreKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The highest one-time pre-key id ever stored, consumed ones included (0 before the first), so a device never
    /// gives a new pre-key the id of a consumed one (a sender with an old bundle then gets a clean "unknown pre-key").
    /// </summary>
    Task<uint> GetHighestPreKeyIdAsync(CancellationToken cancellationToken = default);

    /// <summary>The OMEMO 2 session with one remote device, or null.</summary>
    Task<SessionRecord?> GetSessionAsync(DeviceAddress device, CancellationToken cancellationToken = default);

    /// <summary>The stored session of <paramref name="version"/> with one device, or null.</summary>
    /// <param name="device">The remote device.</param>
    /// <param name="version">Which of the device's sessions.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<SessionRecord?> GetSessionAsync(DeviceAddress device, OmemoVersion version, CancellationToken cancellationToken = default);

    /// <summary>The sessions with every device of <paramref name="jid"/>.</summary>
    Task<IReadOnlyList<SessionRecord>> GetSessionsAsync(string jid, CancellationToken cancellationToken = default);

    /// <summary>The last device list stored for <paramref name="jid"/>, or null.</summary>
    Task<DeviceListRecord?> GetDeviceListAsync(string jid, CancellationToken cancellationToken = default);

    /// <summary>The trust decision for this device and identity key, or null when none was stored.</summary>
    Task<TrustRecord?> GetTrustAsync(DeviceAddress device, ReadOnlyMemory<byte> identityKey, CancellationToken cancellationToken = default);

    /// <summary>Every trust decision stored for the devices of <paramref name="jid"/> (ordered by device id).</summary>
    Task<IReadOnlyList<TrustRecord>> GetTrustsAsync(string jid, CancellationToken cancellationToken = default);

    /// <summary>Applies every write of <paramref name="changes"/> atomically: all of them or, on any failure, none.</summary>
    Task CommitAsync(StoreChanges changes, CancellationToken cancellationToken = default);
}
