using Omemo.Storage;

namespace Omemo.TrustPolicies;

/// <summary>
/// Manual trust: only keys the user <see cref="TrustLevel.Verified"/> are encrypted for; every new key is
/// <see cref="TrustLevel.Undecided"/>, and a stored <see cref="TrustLevel.BlindlyTrusted"/> (e.g. from an earlier
/// blind-trust period) counts as <see cref="TrustLevel.Undecided"/> without being rewritten (<see cref="TrustDecision.IsNew"/>
/// is false), so switching back to <see cref="BlindTrustBeforeVerificationPolicy"/> restores it.
/// </summary>
public sealed class ManualTrustPolicy : ITrustPolicy
{
    /// <summary>A shared instance (the policy is stateless).</summary>
    public static ManualTrustPolicy Instance { get; } = new();

    private sealed class Inner : TrustPolicyBase
    {
        protected override TrustLevel DecideUndecided(DeviceAddress device, ReadOnlySpan<byte> identityKey, IReadOnlyCollection<TrustRecord> recordsOfJid)
            => TrustLevel.Undecided;
    }

    private static readonly Inner Rule = new();

    /// <inheritdoc />
    public TrustDecision Decide(DeviceAddress device, ReadOnlySpan<byte> identityKey, IReadOnlyCollection<TrustRecord> recordsOfJid)
    {
        var decision = Rule.Decide(device, identityKey, recordsOfJid);
        return decision.Level == TrustLevel.BlindlyTrusted
            ? decision with { Record = decision.Record with { Level = TrustLevel.Undecided }, IsNew = false }
            : decision;
    }
}
