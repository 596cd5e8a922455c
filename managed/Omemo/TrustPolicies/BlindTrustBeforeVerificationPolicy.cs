using Omemo.Storage;

namespace Omemo.TrustPolicies;

/// <summary>
/// Blind Trust Before Verification (the default): while no key of a bare JID has been verified, every new key of
/// that JID is <see cref="TrustLevel.BlindlyTrusted"/>; once one key of the JID is
/// <see cref="TrustLevel.Verified"/>, new keys stay <see cref="TrustLevel.Undecided"/> (not encrypted for) until
/// the user decides. Keys already blindly trusted stay trusted, and explicit decisions (verified, distrusted) are
/// never overridden. A device whose identity key changed is treated as a new key.
/// </summary>
public sealed class BlindTrustBeforeVerificationPolicy : TrustPolicyBase
{
    /// <summary>A shared instance (the policy is stateless).</summary>
    public static BlindTrustBeforeVerificationPolicy Instance { get; } = new();

    /// <inheritdoc />
    protected override TrustLevel DecideUndecided(DeviceAddress device, ReadOnlySpan<byte> identityKey, IReadOnlyCollection<TrustRecord> recordsOfJid)
    {
        foreach (var record in recordsOfJid)
            if (record.Level == TrustLevel.Verified && record.Device.Jid == device.Jid) return TrustLevel.Undecided;
        return TrustLevel.BlindlyTrusted;
    }
}
