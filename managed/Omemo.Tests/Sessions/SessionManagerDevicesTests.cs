using Omemo.Devices;
using Omemo.Errors;
using Omemo.Pep;
using Omemo.Sessions;
using Omemo.Storage;
using Omemo.TrustPolicies;
using Omemo.Xml;

namespace Omemo.Tests.Sessions;

/// <summary>Device-list notifications and caching, re-announce, trust decisions and device information.</summary>
public sealed class SessionManagerDevicesTests : ManagerHarness
{
    private int DeviceListFetchesBy(string jid, string ofJid) =>
        SentIqs.Count(i => i.From == jid && i.Iq.Contains("urn:xmpp:omemo:2:devices") && i.Iq.Contains("<items") && i.Iq.Contains(ofJid));

    [Fact]
    public async Task CachedDeviceLists_AreUsedWithinTheirLifetime_AndNotificationsRefreshThem()
    {
        var notifications = new List<string>();
        Pep.ItemPublished += (_, e) => { if (e.Jid == Bob && e.Node == PepNamespaces.DevicesNode) notifications.Add(e.NotificationXml); };
        using var alice = await NewAsync(Alice, options: new SessionManagerOptions { DeviceListCacheDuration = TimeSpan.FromHours(1) });
        using var bob1 = await NewAsync(Bob);
        await alice.EncryptAsync([Bob], Text("1"));
        await alice.EncryptAsync([Bob], Text("2"));
        Assert.Equal(1, DeviceListFetchesBy(Alice, Bob));

        using var bob2 = await NewAsync(Bob); // publishes a new list; the notification reaches Alice
        var update = await alice.HandleDeviceListNotificationAsync(notifications[^1]);
        Assert.Equal(new[] { bob1.DeviceId, bob2.DeviceId }, update!.Devices.Select(d => d.Id));
        var third = await alice.EncryptAsync([Bob], Text("3"));
        Assert.Equal(1, DeviceListFetchesBy(Alice, Bob));
        Assert.Equal(new[] { bob1.DeviceId, bob2.DeviceId }.Order(), third.Element.Keys.Where(k => k.Jid == Bob).Select(k => k.DeviceId).Order());
        Assert.Null(await alice.HandleDeviceListNotificationAsync("<message xmlns='jabber:client' from='x@y'><body>hi</body></message>"));
    }

    [Fact]
    public async Task WithoutCache_TheListIsFetchedBeforeEveryMessage()
    {
        using var alice = await NewAsync(Alice);
        using var bob = await NewAsync(Bob);
        await alice.EncryptAsync([Bob], Text("1"));
        await alice.EncryptAsync([Bob], Text("2"));
        Assert.Equal(2, DeviceListFetchesBy(Alice, Bob));
    }

    [Fact]
    public async Task OwnListWithoutThisDevice_IsReannounced_AndHostileListsAreRefused()
    {
        var aliceStore = new InMemoryOmemoStore();
        using var alice = await NewAsync(Alice, aliceStore, new SessionManagerOptions { Label = "bot" });
        string Notification(IEnumerable<uint> ids) =>
            $"<message xmlns='jabber:client' from='{Alice}' to='{Alice}'><event xmlns='http://jabber.org/protocol/pubsub#event'>" +
            $"<items node='urn:xmpp:omemo:2:devices'><item id='current'><devices xmlns='urn:xmpp:omemo:2'>" +
            string.Concat(ids.Select(id => $"<device id='{id}'/>")) + "</devices></item></items></event></message>";

        var published = new List<PublishKind>();
        alice.Publishing += (_, e) => published.Add(e.Kind);
        await alice.HandleDeviceListNotificationAsync(Notification([12345]));
        Assert.Equal([PublishKind.DeviceList], published);
        var list = PublishedDevices(Alice);
        Assert.Equal(new[] { 12345u, alice.DeviceId }, list.Select(d => d.Id));
        Assert.Equal("bot", list[1].GetVerifiedLabel(alice.IdentityKey));

        var hostile = Notification(Enumerable.Range(1, DeviceListRules.DefaultMaxDevicesPerJid + 1).Select(i => (uint)i));
        await Assert.ThrowsAsync<TooManyDevicesException>(() => alice.HandleDeviceListNotificationAsync(hostile));
        Assert.Equal([12345u], (await aliceStore.GetDeviceListAsync(Alice))!.Devices.Select(d => d.Id));
    }

    [Fact]
    public async Task ManualTrust_EncryptsOnlyForVerifiedDevices_AndReportsDeviceInfo()
    {
        using var alice = await NewAsync(Alice, trust: ManualTrustPolicy.Instance);
        using var bob = await NewAsync(Bob, options: new SessionManagerOptions { Label = "phone" });
        var undecided = await Assert.ThrowsAsync<NoRecipientDevicesException>(() => alice.EncryptAsync([Bob], Text("x")));
        Assert.Equal(DeviceFailureReason.Untrusted, Assert.Single(undecided.Failures).Reason);

        var info = Assert.Single(await alice.GetDevicesAsync(Bob));
        Assert.Equal((bob.DeviceId, TrustLevel.Undecided), (info.Device.DeviceId, info.Trust));
        Assert.Equal(bob.Fingerprint, info.Fingerprint); // known from the trust record written while deciding
        Assert.Equal("phone", info.Label);

        await alice.SetTrustAsync(info.Device, bob.IdentityKey.ToArray(), TrustLevel.Verified);
        var sent = await alice.EncryptAsync([Bob], Text("verified"));
        Assert.Empty(sent.Failures);
        var received = await DeliverAsync(bob, Alice, sent.Element);
        Assert.Equal(TrustLevel.BlindlyTrusted, received.SenderTrust);
        Assert.Equal(TrustLevel.Verified, Assert.Single(await alice.GetTrustAsync(Bob)).Level);
        Assert.Equal(TrustLevel.Verified, Assert.Single(await alice.GetDevicesAsync(Bob)).Trust);

        await alice.SetTrustAsync(info.Device, bob.IdentityKey.ToArray(), TrustLevel.Distrusted);
        var refused = await Assert.ThrowsAsync<NoRecipientDevicesException>(() => alice.EncryptAsync([Bob], Text("no")));
        Assert.Equal(DeviceFailureReason.Untrusted, Assert.Single(refused.Failures).Reason);
        var fromBob = await bob.EncryptAsync([Alice], Text("let me in"));
        await Assert.ThrowsAsync<UntrustedSenderException>(() => DeliverAsync(alice, Bob, fromBob.Element));
        await Assert.ThrowsAsync<ArgumentException>(() => alice.SetTrustAsync(info.Device, new byte[31], TrustLevel.Verified));
    }

    [Fact]
    public async Task MessageFromADeviceMissingInTheStoredList_RefreshesTheList()
    {
        var aliceStore = new InMemoryOmemoStore();
        using var alice = await NewAsync(Alice, aliceStore);
        using var bob1 = await NewAsync(Bob);
        await alice.EncryptAsync([Bob], Text("stores bob's list"));
        using var bob2 = await NewAsync(Bob);
        Assert.Equal([bob1.DeviceId], (await aliceStore.GetDeviceListAsync(Bob))!.Devices.Select(d => d.Id));
        var fromBob2 = await bob2.EncryptAsync([Alice], Text("new device"));
        Assert.Equal("new device", Str((await DeliverAsync(alice, Bob, fromBob2.Element)).Plaintext));
        Assert.Equal(new[] { bob1.DeviceId, bob2.DeviceId }, (await aliceStore.GetDeviceListAsync(Bob))!.Devices.Select(d => d.Id));
    }
}
