using Microsoft.Extensions.Time.Testing;
using Omemo.Errors;
using Omemo.Sessions;
using Omemo.Storage;
using Omemo.Wire;
using Omemo.X3dh;
using Omemo.Xml;

namespace Omemo.Tests.Sessions;

/// <summary>Own keys: pre-key refill threshold, signed pre-key rotation, publishing events and history catch-up.</summary>
public sealed class SessionManagerKeysTests : ManagerHarness
{
    [Theory]
    [InlineData(24, 100)]
    [InlineData(101, 100)]
    [InlineData(25, 24)]
    [InlineData(25, 1001)]
    public void Options_RefuseFewerThan25PreKeys(int threshold, int count) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SessionManagerOptions { PreKeyRefillThreshold = threshold, PreKeyCount = count }.Validate());

    [Fact]
    public async Task PreKeys_AreRefilledOnlyBelowTheThreshold_AndRepublished()
    {
        var options = new SessionManagerOptions { PreKeyCount = 30, PreKeyRefillThreshold = 27 };
        var bobStore = new InMemoryOmemoStore();
        using var bob = await NewAsync(Bob, bobStore, options);
        Assert.Equal(30, PublishedBundle(Bob, bob.DeviceId).PreKeys.Count);
        var publishedKinds = new List<PublishKind>();
        bob.Publishing += (_, e) => publishedKinds.Add(e.Kind);

        var used = new List<uint>();
        for (int i = 0; i < 4; i++)
        {
            using var sender = await NewAsync($"sender{i}@example.org");
            var sent = await sender.EncryptAsync([Bob], Text($"m{i}"));
            used.Add(OmemoKeyExchange.Parse(sent.Element.FindKey(Bob, bob.DeviceId)!.Data).PreKeyId);
            Assert.Equal($"m{i}", Str((await DeliverAsync(bob, sender.Jid, sent.Element)).Plaintext));
            int expected = i < 3 ? 29 - i : 30; // 29, 28, 27 stay; at 26 (< 27) the bundle is refilled to 30
            Assert.Equal(expected, bob.PreKeyCount);
            Assert.Equal(expected, (await bobStore.GetPreKeysAsync()).Count);
            Assert.Equal(expected, PublishedBundle(Bob, bob.DeviceId).PreKeys.Count);
        }
        Assert.Equal(4, publishedKinds.Count(k => k == PublishKind.Bundle));
        var published = PublishedBundle(Bob, bob.DeviceId).PreKeys.Select(p => p.Id).ToHashSet();
        Assert.DoesNotContain(published, used.Contains);
        foreach (uint id in used) Assert.Null(await bobStore.GetPreKeyAsync(id));
        Assert.Equal(Enumerable.Range(31, 4).Select(i => (uint)i), published.Where(id => id > 30).Order());
    }

    [Fact]
    public async Task ConsumedPreKeyIds_AreNeverHandedOutAgain_AfterAReopen()
    {
        var options = new SessionManagerOptions { PreKeyCount = 30, PreKeyRefillThreshold = 25 };
        var bobStore = new InMemoryOmemoStore();
        var bob = await NewAsync(Bob, bobStore, options);
        var bundle = PublishedBundle(Bob, bob.DeviceId);
        uint highest = bundle.PreKeys.Max(p => p.Id);
        var first = FirstMessageFromBundle(bundle, bob.DeviceId, "first", bundle.PreKeys.Count - 1);
        var second = FirstMessageFromBundle(bundle, bob.DeviceId, "second", bundle.PreKeys.Count - 1);
        Assert.Equal("first", Str((await bob.DecryptAsync(Alice, first)).Plaintext));
        Assert.Equal(29, bob.PreKeyCount); // above the threshold: no refill yet
        bob.Dispose();

        using var reopened = await NewAsync(Bob, bobStore, options); // refills to 30 with fresh ids
        Assert.Null(await bobStore.GetPreKeyAsync(highest));
        Assert.Equal(highest + 1, PublishedBundle(Bob, reopened.DeviceId).PreKeys.Max(p => p.Id));
        await Assert.ThrowsAsync<UnknownPreKeyException>(() => reopened.DecryptAsync(Carol, second));
    }

    [Fact]
    public async Task SignedPreKey_RotatesWeekly_KeepingThePreviousOneForOnePeriod()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var options = new SessionManagerOptions { Clock = clock };
        var bobStore = new InMemoryOmemoStore();
        using var bob = await NewAsync(Bob, bobStore, options);
        using var alice = await NewAsync(Alice);
        var oldBundle = PublishedBundle(Bob, bob.DeviceId);
        Assert.Equal(1u, oldBundle.SignedPreKeyId);

        clock.Advance(TimeSpan.FromDays(6));
        Assert.False(await bob.MaintainKeysAsync());
        clock.Advance(TimeSpan.FromDays(1));
        Assert.True(await bob.MaintainKeysAsync());
        Assert.Equal((2u, clock.GetUtcNow()), bob.CurrentSignedPreKey);
        var newBundle = PublishedBundle(Bob, bob.DeviceId);
        Assert.Equal(2u, newBundle.SignedPreKeyId);
        Assert.NotEqual(oldBundle.SignedPreKey, newBundle.SignedPreKey);
        Assert.Equal([1u, 2u], (await bobStore.GetSignedPreKeysAsync()).Select(s => s.Id));

        // A key exchange built from the bundle fetched before the rotation still works for one more period.
        var late = FirstMessageFromBundle(oldBundle, bob.DeviceId, "late", preKeyIndex: 0);
        Assert.Equal("late", Str((await bob.DecryptAsync("late@example.org", late)).Plaintext));

        // After the next rotation the first signed pre-key is gone, and a key exchange for it fails cleanly.
        clock.Advance(TimeSpan.FromDays(7));
        Assert.True(await bob.MaintainKeysAsync());
        Assert.Equal([2u, 3u], (await bobStore.GetSignedPreKeysAsync()).Select(s => s.Id));
        var tooLate = FirstMessageFromBundle(oldBundle, bob.DeviceId, "too late", preKeyIndex: 1);
        await Assert.ThrowsAsync<UnknownSignedPreKeyException>(() => bob.DecryptAsync("later@example.org", tooLate));

        // Reopening a device whose signed pre-key is overdue rotates it at once.
        bob.Dispose();
        clock.Advance(TimeSpan.FromDays(8));
        using var reopened = await NewAsync(Bob, bobStore, options);
        Assert.Equal(4u, reopened.CurrentSignedPreKey.Id);
        Assert.Equal([3u, 4u], (await bobStore.GetSignedPreKeysAsync()).Select(s => s.Id));
        Assert.Equal(4u, PublishedBundle(Bob, reopened.DeviceId).SignedPreKeyId);
    }

    /// <summary>A first message from a fresh device built directly from a (possibly outdated) bundle, bypassing PEP.</summary>
    private static EncryptedElement FirstMessageFromBundle(Bundle bundle, uint recipientDeviceId, string text, int preKeyIndex)
    {
        using var identity = IdentityKeyPair.Generate();
        using var session = OmemoSession.Initiate(identity, bundle, bundle.PreKeys[preKeyIndex].Id);
        byte[] keyMaterial = new byte[OmemoPayload.KeyMaterialSize];
        byte[] payload = OmemoPayload.Encrypt(Text(text), keyMaterial);
        return new EncryptedElement(4242, [new EncryptedKey(Bob, recipientDeviceId, session.Encrypt(keyMaterial), true)], payload);
    }

    [Fact]
    public async Task Publishing_ReportsEveryBundleAndDeviceListPublish()
    {
        var seen = new List<(PublishKind, string)>();
        using var alice = await NewAsync(Alice);
        alice.Publishing += (_, e) => seen.Add((e.Kind, e.IqXml));
        await alice.PublishBundleAsync();
        var (kind, iq) = Assert.Single(seen);
        Assert.Equal(PublishKind.Bundle, kind);
        Assert.Contains("urn:xmpp:omemo:2:bundles", iq);
        Assert.Contains($"id='{alice.DeviceId}'", iq.Replace('"', '\''));
        Assert.False(alice.IsBundlePublishPending);
    }
}
