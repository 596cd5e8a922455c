namespace Omemo.Storage;

/// <summary>
/// A batch of writes that an <see cref="IOmemoStore"/> applies atomically (all or nothing) in
/// <see cref="IOmemoStore.CommitAsync"/>. One decrypted message is one batch (its ratchet state together with the
/// pre-key it consumed); a fan-out to N devices is one batch of N sessions, not N transactions. Within a batch the
/// identity is written first, then, per table, deletions before insertions (a later insertion of the same key wins).
/// A malformed record (wrong key size, empty JID, device id outside 1..2^31-1) fails the whole batch with an
/// <see cref="ArgumentException"/> before anything is written. The store copies what it keeps: the caller may wipe
/// the records once the commit returned.
/// </summary>
public sealed class StoreChanges
{
    /// <summary>Replaces the own identity (set once, when the device is created).</summary>
    public IdentityRecord? Identity { get; set; }

    /// <summary>Signed pre-keys to insert or replace.</summary>
    public List<SignedPreKeyRecord> PutSignedPreKeys { get; } = [];

    /// <summary>Ids of signed pre-keys to delete.</summary>
    public List<uint> DeleteSignedPreKeys { get; } = [];

    /// <summary>One-time pre-keys to insert or replace.</summary>
    public List<PreKeyRecord> PutPreKeys { get; } = [];

    /// <summary>Ids of one-time pre-keys to delete (consumed by a key exchange).</summary>
    public List<uint> DeletePreKeys { get; } = [];

    /// <summary>Sessions to insert or replace.</summary>
    public List<SessionRecord> PutSessions { get; } = [];

    /// <summary>Sessions to delete.</summary>
    public List<DeviceAddress> DeleteSessions { get; } = [];

    /// <summary>Device lists to insert or replace.</summary>
    public List<DeviceListRecord> PutDeviceLists { get; } = [];

    /// <summary>Trust decisions to insert or replace.</summary>
    public List<TrustRecord> PutTrust { get; } = [];

    /// <summary>True when the batch writes nothing.</summary>
    public bool IsEmpty => Identity is null && PutSignedPreKeys.Count == 0 && DeleteSignedPreKeys.Count == 0
        && PutPreKeys.Count == 0 && DeletePreKeys.Count == 0 && PutSessions.Count == 0 && DeleteSessions.Count == 0
        && PutDeviceLists.Count == 0 && PutTrust.Count == 0;
}
