namespace Omemo.Storage;

/// <summary>This device's long-term identity: the account, the device id and the Ed25519 identity seed.</summary>
/// <param name="Jid">The bare JID of the account.</param>
/// <param name="DeviceId">The device id (1..2^31-1).</param>
/// <param name="IdentitySeed">The 32-byte Ed25519 seed (secret).</param>
/// <param name="Label">The optional device label.</param>
public sealed record IdentityRecord(string Jid, uint DeviceId, byte[] IdentitySeed, string? Label);

/// <summary>A stored signed pre-key (secret part included).</summary>
public sealed record SignedPreKeyRecord(uint Id, byte[] PrivateKey, byte[] Signature, DateTimeOffset CreatedAt);

/// <summary>A stored one-time pre-key (secret part included).</summary>
public sealed record PreKeyRecord(uint Id, byte[] PrivateKey);

/// <summary>A remote device addressed by bare JID and device id.</summary>
public readonly record struct DeviceAddress(string Jid, uint DeviceId);

/// <summary>
/// A serialized Double Ratchet session (see <c>OmemoSession.Serialize</c>, <c>LegacySession.Serialize</c>) with one remote
/// device. A device may have one session per <see cref="OmemoVersion"/>.
/// </summary>
public sealed record SessionRecord(DeviceAddress Device, byte[] State)
{
    /// <summary>The OMEMO version the session speaks; sessions of different versions with one device are stored apart.</summary>
    public OmemoVersion Version { get; init; } = OmemoVersion.Omemo2;
}

/// <summary>The OMEMO protocol versions a session can speak.</summary>
public enum OmemoVersion
{
    /// <summary>OMEMO 2 (urn:xmpp:omemo:2, XEP-0384 0.9).</summary>
    Omemo2 = 0,

    /// <summary>Legacy OMEMO 0.3 (eu.siacs.conversations.axolotl).</summary>
    Legacy = 1,
}

/// <summary>The last device list seen for a JID: device ids with their optional labels and label signatures.</summary>
public sealed record DeviceListRecord(string Jid, IReadOnlyList<Omemo.Xml.DeviceEntry> Devices, DateTimeOffset UpdatedAt);

/// <summary>How far an identity key of a remote device is trusted.</summary>
public enum TrustLevel
{
    /// <summary>Not decided yet (the trust policy decides, e.g. blind trust before verification).</summary>
    Undecided = 0,
    /// <summary>Trusted without verification (blind trust).</summary>
    BlindlyTrusted = 1,
    /// <summary>Verified by the user (fingerprint compared).</summary>
    Verified = 2,
    /// <summary>Explicitly distrusted: never encrypt for it.</summary>
    Distrusted = 3,
}

/// <summary>The trust decision for one identity key of one remote device.</summary>
public sealed record TrustRecord(DeviceAddress Device, byte[] IdentityKey, TrustLevel Level);
