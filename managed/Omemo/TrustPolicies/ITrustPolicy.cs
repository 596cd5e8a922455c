using Omemo.Storage;

namespace Omemo.TrustPolicies;

/// <summary>
/// Decides whether to encrypt for, and how to treat messages from, a remote device given its identity key and the
/// stored trust records (XEP-0384 section 8: never encrypt for a device whose trust was not established; empty
/// key-transport messages excepted).
/// </summary>
public interface ITrustPolicy
{
    /// <summary>Decides the trust of <paramref name="identityKey"/> as the key of <paramref name="device"/>.</summary>
    /// <param name="device">The remote device.</param>
    /// <param name="identityKey">Its 32-byte Ed25519 identity key (the bundle's <c>&lt;ik&gt;</c>).</param>
    /// <param name="recordsOfJid">
    /// Every stored <see cref="TrustRecord"/> of the device's bare JID (any device, any key), the record for
    /// <paramref name="device"/> and <paramref name="identityKey"/> included when there is one.
    /// </param>
    /// <returns>The decision, with the record to store when it changed.</returns>
    /// <exception cref="Omemo.Errors.InvalidKeyException">The identity key is not a valid Ed25519 public key.</exception>
    TrustDecision Decide(DeviceAddress device, ReadOnlySpan<byte> identityKey, IReadOnlyCollection<TrustRecord> recordsOfJid);
}
