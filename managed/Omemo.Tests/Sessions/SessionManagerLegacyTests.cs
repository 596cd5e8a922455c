using Omemo.Errors;
using Omemo.Pep;
using Omemo.Sessions;
using Omemo.Sessions.Legacy;
using Omemo.Storage;
using Omemo.Wire.Legacy;
using Omemo.Xml.Legacy;

namespace Omemo.Tests.Sessions;

/// <summary>
/// Legacy OMEMO 0.3 in the session manager: a dual-stack device (OMEMO 2 and legacy), an OMEMO 2-only one and a
/// legacy-only one in one conversation; OMEMO 2 preferred where both are announced; separate sessions per version;
/// shared pre-keys republished in both bundles; failures that write nothing.
/// </summary>
public sealed class SessionManagerLegacyTests : ManagerHarness
{
    private static readonly SessionManagerOptions Dual = new() { EnableLegacyOmemo = true };
    private static readonly SessionManagerOptions LegacyOnly = new() { EnableLegacyOmemo = true, EnableOmemo2 = false };

    private static LegacyEncryptedElement Wire(LegacyEncryptedElement element) => LegacyEncryptedElement.Parse(element.ToXml());

    private LegacyBundle PublishedLegacyBundle(string jid, uint deviceId) =>
        LegacyPepStanzas.ParseBundleResult(Pep.Process(Carol, LegacyPepStanzas.FetchBundle("b", jid, deviceId)), deviceId);

    private IReadOnlyList<uint> PublishedLegacyDevices(string jid) =>
        LegacyPepStanzas.ParseDeviceListResult(Pep.Process(Carol, LegacyPepStanzas.FetchDeviceList("d", jid)));

    [Fact]
    public async Task A_dual_device_publishes_both_bundles_from_one_identity_and_one_set_of_pre_keys()
    {
        using var alice = await NewAsync(Alice, options: Dual);
        var modern = PublishedBundle(Alice, alice.DeviceId);
        var legacy = PublishedLegacyBundle(Alice, alice.DeviceId);
        Assert.Equal([alice.DeviceId], PublishedLegacyDevices(Alice));
        Assert.Contains(PublishedDevices(Alice), d => d.Id == alice.DeviceId);
        Assert.True(LegacySignedPreKey.Verify(legacy.IdentityKey, legacy.SignedPreKey, legacy.SignedPreKeySignature));
        Assert.Equal(modern.IdentityKey, LegacySignedPreKey.Ed25519Identity(legacy.IdentityKey, legacy.SignedPreKeySignature));
        Assert.Equal(modern.SignedPreKey, legacy.SignedPreKey);
        Assert.Equal(modern.PreKeys.Select(p => p.Id), legacy.PreKeys.Select(p => p.Id));

        using var carol = await NewAsync(Carol, options: LegacyOnly);
        Assert.Throws<PepRequestFailedException>(() => PublishedDevices(Carol)); // no OMEMO 2 device list at all
        Assert.Equal([carol.DeviceId], PublishedLegacyDevices(Carol));
    }

    [Fact]
    public async Task Mixed_group_each_member_reads_every_message_in_its_own_version()
    {
        using var alice = await NewAsync(Alice, options: Dual);
        using var bob = await NewAsync(Bob);                          // OMEMO 2 only
        using var carol = await NewAsync(Carol, options: LegacyOnly); // legacy only

        var sent = await alice.EncryptAsync([Bob, Carol], Text("to the group"));
        Assert.Empty(sent.Failures);
        Assert.Equal([bob.DeviceId], sent.Element.Keys.Select(k => k.DeviceId));
        Assert.NotNull(sent.LegacyElement);
        Assert.Equal([carol.DeviceId], sent.LegacyElement!.Keys.Select(k => k.DeviceId));
        Assert.True(sent.LegacyElement.Keys[0].IsPreKey);

        var atBob = await DeliverAsync(bob, Alice, sent.Element);
        Assert.Equal("to the group", Str(atBob.Plaintext));
        var atCarol = await carol.DecryptLegacyAsync(Alice, Wire(sent.LegacyElement));
        Assert.Equal("to the group", Str(atCarol.Plaintext));
        Assert.True(atCarol.NewSession);
        Assert.NotNull(atCarol.LegacyAutomaticReply);
        Assert.Null(atCarol.AutomaticReply);

        // Carol answers the key exchange with an empty legacy message and then writes to the group herself.
        var confirm = await alice.DecryptLegacyAsync(Carol, Wire(atCarol.LegacyAutomaticReply!));
        Assert.Null(confirm.Plaintext);
        var fromCarol = await carol.EncryptAsync([Alice, Bob], Text("legacy here"));
        Assert.Empty(fromCarol.Element.Keys);
        Assert.Contains(fromCarol.Failures, f => f.Device.Jid == Bob); // Bob announces no legacy device
        Assert.Equal([alice.DeviceId], fromCarol.LegacyElement!.Keys.Select(k => k.DeviceId));
        Assert.False(fromCarol.LegacyElement.Keys[0].IsPreKey);
        Assert.Equal("legacy here", Str((await alice.DecryptLegacyAsync(Carol, Wire(fromCarol.LegacyElement))).Plaintext));

        // Several rounds both ways keep working (DH ratchet steps in the legacy session).
        for (int i = 0; i < 5; i++)
        {
            var a = await alice.EncryptAsync([Carol], Text($"a{i}"));
            Assert.Equal($"a{i}", Str((await carol.DecryptLegacyAsync(Alice, Wire(a.LegacyElement!))).Plaintext));
            var c = await carol.EncryptAsync([Alice], Text($"c{i}"));
            Assert.Equal($"c{i}", Str((await alice.DecryptLegacyAsync(Carol, Wire(c.LegacyElement!))).Plaintext));
        }
    }

    [Fact]
    public async Task OMEMO_2_is_preferred_and_sessions_of_both_versions_are_kept_apart()
    {
        var aliceStore = new InMemoryOmemoStore();
        using var alice = await NewAsync(Alice, aliceStore, Dual);
        using var bob = await NewAsync(Bob, options: Dual);
        var sent = await alice.EncryptAsync([Bob], Text("modern"));
        Assert.Null(sent.LegacyElement);
        Assert.Equal([bob.DeviceId], sent.Element.Keys.Select(k => k.DeviceId));
        await DeliverAsync(bob, Alice, sent.Element);

        // A dual-stack peer may still write legacy: that builds a separate legacy session with the same device.
        var carolLike = await NewAsync(Carol, options: LegacyOnly);
        var legacy = await carolLike.EncryptAsync([Alice], Text("old"));
        Assert.Equal("old", Str((await alice.DecryptLegacyAsync(Carol, Wire(legacy.LegacyElement!))).Plaintext));
        var sessions = await aliceStore.GetSessionsAsync(Bob);
        Assert.Equal([OmemoVersion.Omemo2], sessions.Select(s => s.Version));
        Assert.Equal(OmemoVersion.Legacy, Assert.Single(await aliceStore.GetSessionsAsync(Carol)).Version);
        carolLike.Dispose();
    }

    [Fact]
    public async Task A_consumed_pre_key_leaves_both_bundles()
    {
        using var alice = await NewAsync(Alice, options: Dual);
        using var carol = await NewAsync(Carol, options: LegacyOnly);
        var sent = await carol.EncryptAsync([Alice], Text("hi"));
        uint used = LegacyPreKeyWhisperMessage.Parse(sent.LegacyElement!.Keys.Single(k => k.DeviceId == alice.DeviceId).Data).PreKeyId;
        await alice.DecryptLegacyAsync(Carol, Wire(sent.LegacyElement));
        Assert.DoesNotContain(PublishedBundle(Alice, alice.DeviceId).PreKeys, p => p.Id == used);
        Assert.DoesNotContain(PublishedLegacyBundle(Alice, alice.DeviceId).PreKeys, p => p.Id == used);
        Assert.Equal(100, PublishedLegacyBundle(Alice, alice.DeviceId).PreKeys.Count);
    }

    [Fact]
    public async Task A_tampered_legacy_message_writes_nothing_and_is_a_typed_error()
    {
        var store = new InMemoryOmemoStore();
        using var alice = await NewAsync(Alice, store, Dual);
        using var carol = await NewAsync(Carol, options: LegacyOnly);
        var first = await carol.EncryptAsync([Alice], Text("one"));
        await alice.DecryptLegacyAsync(Carol, Wire(first.LegacyElement!));
        var second = await carol.EncryptAsync([Alice], Text("two"));
        var before = (await store.GetSessionAsync(new DeviceAddress(Carol, carol.DeviceId), OmemoVersion.Legacy))!.State;
        var tampered = second.LegacyElement! with { Payload = [.. second.LegacyElement.Payload!.Select((b, i) => i == 0 ? (byte)(b ^ 1) : b)] };
        await Assert.ThrowsAsync<AuthenticationFailedException>(() => alice.DecryptLegacyAsync(Carol, Wire(tampered)));
        Assert.Equal(before, (await store.GetSessionAsync(new DeviceAddress(Carol, carol.DeviceId), OmemoVersion.Legacy))!.State);
        Assert.Equal("two", Str((await alice.DecryptLegacyAsync(Carol, Wire(second.LegacyElement))).Plaintext));
        var replay = await alice.DecryptLegacyAsync(Carol, Wire(second.LegacyElement));
        Assert.True(replay.IsDuplicate);
        await Assert.ThrowsAsync<NotForThisDeviceException>(() => carol.DecryptLegacyAsync(Alice, Wire(second.LegacyElement)));
    }

    [Fact]
    public async Task Legacy_calls_on_a_manager_without_legacy_are_refused()
    {
        using var bob = await NewAsync(Bob);
        var element = new LegacyEncryptedElement(1, [new LegacyEncryptedKey(bob.DeviceId, [1], false)], new byte[12], null);
        await Assert.ThrowsAsync<InvalidOperationException>(() => bob.DecryptLegacyAsync(Alice, element));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SessionManagerOptions { EnableOmemo2 = false }.Validate());
    }
}
