using Omemo.Xml;

namespace Omemo.Storage;

/// <summary>
/// Checks a whole <see cref="StoreChanges"/> batch before anything is written, so that every store refuses the same
/// malformed records the same way (<see cref="ArgumentException"/>, a programming error) and applies nothing.
/// </summary>
internal static class StoreValidation
{
    /// <summary>Size of an identity seed, a private key and an identity key.</summary>
    public const int KeySize = 32;

    /// <summary>Size of an Ed25519 signature.</summary>
    public const int SignatureSize = 64;

    private const uint MaxDeviceId = int.MaxValue;

    public static void Validate(StoreChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Identity is { } identity)
        {
            CheckJid(identity.Jid, "identity");
            CheckDeviceId(identity.DeviceId, "identity");
            CheckBytes(identity.IdentitySeed, KeySize, "identity seed");
        }
        foreach (var spk in changes.PutSignedPreKeys)
        {
            CheckNotNull(spk, "signed pre-key");
            CheckBytes(spk.PrivateKey, KeySize, "signed pre-key private key");
            CheckBytes(spk.Signature, SignatureSize, "signed pre-key signature");
        }
        foreach (var pk in changes.PutPreKeys)
        {
            CheckNotNull(pk, "pre-key");
            CheckBytes(pk.PrivateKey, KeySize, "pre-key private key");
        }
        foreach (var session in changes.PutSessions)
        {
            CheckNotNull(session, "session");
            CheckAddress(session.Device, "session");
            if (session.State is null || session.State.Length == 0)
                throw new ArgumentException("A session record needs a non-empty state.", nameof(changes));
            if (!Enum.IsDefined(session.Version))
                throw new ArgumentException("A session record has an unknown OMEMO version.", nameof(changes));
        }
        foreach (var device in changes.DeleteSessions) CheckAddress(device, "session deletion");
        foreach (var list in changes.PutDeviceLists)
        {
            CheckNotNull(list, "device list");
            CheckJid(list.Jid, "device list");
            if (list.Devices is null) throw new ArgumentException("A device list record needs its devices.", nameof(changes));
            foreach (DeviceEntry entry in list.Devices)
            {
                CheckNotNull(entry, "device list entry");
                CheckDeviceId(entry.Id, "device list entry");
            }
        }
        foreach (var trust in changes.PutTrust)
        {
            CheckNotNull(trust, "trust");
            CheckAddress(trust.Device, "trust");
            CheckBytes(trust.IdentityKey, KeySize, "trust identity key");
            if (!Enum.IsDefined(trust.Level)) throw new ArgumentException("Unknown trust level.", nameof(changes));
        }
    }

    /// <summary>Checks an address used for a read.</summary>
    public static void CheckAddress(DeviceAddress device, string what)
    {
        CheckJid(device.Jid, what);
        CheckDeviceId(device.DeviceId, what);
    }

    /// <summary>Checks a JID used for a read or a write.</summary>
    public static void CheckJid(string? jid, string what)
    {
        if (string.IsNullOrEmpty(jid)) throw new ArgumentException($"The {what} needs a non-empty JID.", nameof(jid));
    }

    private static void CheckDeviceId(uint id, string what)
    {
        if (id == 0 || id > MaxDeviceId)
            throw new ArgumentOutOfRangeException(nameof(id), $"The {what} device id must be in 1..2^31-1.");
    }

    private static void CheckBytes(byte[]? bytes, int size, string what)
    {
        if (bytes is null || bytes.Length != size)
            throw new ArgumentException($"The {what} must be {size} bytes.", nameof(bytes));
    }

    private static void CheckNotNull(object? record, string what)
    {
        if (record is null) throw new ArgumentException($"A {what} record is null.", nameof(record));
    }
}
