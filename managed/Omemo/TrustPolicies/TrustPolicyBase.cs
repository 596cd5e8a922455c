using Omemo.Keys;
using Omemo.Storage;

namespace Omemo.TrustPolicies;

/// <summary>
/// Shared logic of the built-in policies: a stored record for the same device and key is authoritative unless it is
/// <see cref="TrustLevel.Undecided"/>; otherwise (a new key, a changed key, or an undecided one) the policy's rule
/// for undecided keys applies.
/// </summary>
public abstract class TrustPolicyBase : ITrustPolicy
{
    /// <inheritdoc />
    public TrustDecision Decide(DeviceAddress device, ReadOnlySpan<byte> identityKey, IReadOnlyCollection<TrustRecord> recordsOfJid)
    {
        ArgumentNullException.ThrowIfNull(recordsOfJid);
        string fingerprint = Fingerprint.FromEd25519(identityKey);
        TrustRecord? stored = null;
        foreach (var record in recordsOfJid)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(recordsOfJid));
            if (record.Device == device && identityKey.SequenceEqual(record.IdentityKey)) stored = record;
        }
        if (stored is not null && stored.Level != TrustLevel.Undecided)
            return new TrustDecision(stored, false, fingerprint);
        var level = DecideUndecided(device, identityKey, recordsOfJid);
        if (stored is not null && stored.Level == level)
            return new TrustDecision(stored, false, fingerprint);
        return new TrustDecision(new TrustRecord(device, identityKey.ToArray(), level), true, fingerprint);
    }

    /// <summary>The level of a key with no stored decision (new, changed, or stored as <see cref="TrustLevel.Undecided"/>).</summary>
    /// <param name="device">The remote device.</param>
    /// <param name="identityKey">Its identity key.</param>
    /// <param name="recordsOfJid">Every stored record of the device's bare JID.</param>
    protected abstract TrustLevel DecideUndecided(DeviceAddress device, ReadOnlySpan<byte> identityKey, IReadOnlyCollection<TrustRecord> recordsOfJid);
}
