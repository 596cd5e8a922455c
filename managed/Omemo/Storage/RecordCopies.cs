using System.Security.Cryptography;
using Omemo.Xml;

namespace Omemo.Storage;

/// <summary>Deep copies of store records (so that neither side can change or wipe the other's arrays) and wiping.</summary>
internal static class RecordCopies
{
    public static IdentityRecord Copy(IdentityRecord r) => r with { IdentitySeed = (byte[])r.IdentitySeed.Clone() };

    public static SignedPreKeyRecord Copy(SignedPreKeyRecord r) =>
        r with { PrivateKey = (byte[])r.PrivateKey.Clone(), Signature = (byte[])r.Signature.Clone() };

    public static PreKeyRecord Copy(PreKeyRecord r) => r with { PrivateKey = (byte[])r.PrivateKey.Clone() };

    public static SessionRecord Copy(SessionRecord r) => r with { State = (byte[])r.State.Clone() };

    public static TrustRecord Copy(TrustRecord r) => r with { IdentityKey = (byte[])r.IdentityKey.Clone() };

    public static DeviceListRecord Copy(DeviceListRecord r)
    {
        var devices = new DeviceEntry[r.Devices.Count];
        for (int i = 0; i < devices.Length; i++)
        {
            DeviceEntry e = r.Devices[i];
            devices[i] = e with { LabelSignature = (byte[]?)e.LabelSignature?.Clone() };
        }
        return r with { Devices = devices };
    }

    /// <summary>Overwrites a secret array with zeros (null is ignored).</summary>
    public static void Wipe(byte[]? secret)
    {
        if (secret is not null) CryptographicOperations.ZeroMemory(secret);
    }
}
