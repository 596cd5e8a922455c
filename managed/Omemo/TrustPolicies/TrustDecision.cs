using Omemo.Storage;

namespace Omemo.TrustPolicies;

/// <summary>The outcome of <see cref="ITrustPolicy.Decide"/> for one identity key of one device.</summary>
/// <param name="Record">The trust record that applies (the stored one, or a new one for a key seen for the first time).</param>
/// <param name="IsNew">True when <see cref="Record"/> is not stored yet (or its level changed) and should be persisted.</param>
/// <param name="Fingerprint">The key's fingerprint (<see cref="Keys.Fingerprint.FromEd25519"/>) to show the user.</param>
public sealed record TrustDecision(TrustRecord Record, bool IsNew, string Fingerprint)
{
    /// <summary>The effective trust level.</summary>
    public TrustLevel Level => Record.Level;

    /// <summary>True when messages with content may be encrypted for the device (verified or blindly trusted).</summary>
    public bool EncryptFor => Level is TrustLevel.Verified or TrustLevel.BlindlyTrusted;

    /// <summary>
    /// True when messages from the device may be decrypted: any level but <see cref="TrustLevel.Distrusted"/>.
    /// Content from a device that is not <see cref="EncryptFor"/> should be shown as untrusted (XEP-0384 section 8).
    /// </summary>
    public bool AcceptFrom => Level != TrustLevel.Distrusted;

    /// <summary>True when messages from the device are authenticated by a trusted key (same rule as <see cref="EncryptFor"/>).</summary>
    public bool IsTrustedSender => EncryptFor;
}
