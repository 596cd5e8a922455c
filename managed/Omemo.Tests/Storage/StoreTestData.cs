using System.Security.Cryptography;
using Omemo.Storage;
using Omemo.Xml;

namespace Omemo.Tests.Storage;

/// <summary>Random, well-formed store records and deep comparisons (records holding arrays compare by reference).</summary>
internal static class StoreTestData
{
    public const string Alice = "alice@example.org";
    public const string Bob = "bob@example.org";

    public static byte[] Bytes(int n) => RandomNumberGenerator.GetBytes(n);
    public static byte[] Bytes(int n, byte fill) => Enumerable.Repeat(fill, n).ToArray();

    public static IdentityRecord Identity(uint deviceId = 1234, string? label = "phone") =>
        new(Alice, deviceId, Bytes(32), label);

    public static SignedPreKeyRecord SignedPreKey(uint id) =>
        new(id, Bytes(32), Bytes(64), new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(id * 7919));

    public static PreKeyRecord PreKey(uint id) => new(id, Bytes(32));

    public static SessionRecord Session(string jid, uint deviceId, int size = 200) => new(new DeviceAddress(jid, deviceId), Bytes(size));

    public static DeviceListRecord DeviceList(string jid) => new(jid,
        [new DeviceEntry(1), new DeviceEntry(2, "laptop"), new DeviceEntry(3, "phone", Bytes(64)), new DeviceEntry(4, null, Bytes(64))],
        new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    public static TrustRecord Trust(string jid, uint deviceId, TrustLevel level) => new(new DeviceAddress(jid, deviceId), Bytes(32), level);

    public static StoreChanges Changes(Action<StoreChanges> fill)
    {
        var changes = new StoreChanges();
        fill(changes);
        return changes;
    }

    public static void Same(IdentityRecord expected, IdentityRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Jid, actual.Jid);
        Assert.Equal(expected.DeviceId, actual.DeviceId);
        Assert.Equal(expected.IdentitySeed, actual.IdentitySeed);
        Assert.Equal(expected.Label, actual.Label);
    }

    public static void Same(SignedPreKeyRecord expected, SignedPreKeyRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.PrivateKey, actual.PrivateKey);
        Assert.Equal(expected.Signature, actual.Signature);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
    }

    public static void Same(PreKeyRecord expected, PreKeyRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.PrivateKey, actual.PrivateKey);
    }

    public static void Same(SessionRecord expected, SessionRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Device, actual.Device);
        Assert.Equal(expected.State, actual.State);
    }

    public static void Same(DeviceListRecord expected, DeviceListRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Jid, actual.Jid);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
        Assert.Equal(expected.Devices.Count, actual.Devices.Count);
        for (int i = 0; i < expected.Devices.Count; i++)
        {
            Assert.Equal(expected.Devices[i].Id, actual.Devices[i].Id);
            Assert.Equal(expected.Devices[i].Label, actual.Devices[i].Label);
            Assert.Equal(expected.Devices[i].LabelSignature, actual.Devices[i].LabelSignature);
        }
    }
}
