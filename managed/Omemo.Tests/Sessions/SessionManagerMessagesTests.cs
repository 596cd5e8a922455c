using System.Xml.Linq;
using Omemo.Errors;
using Omemo.Sessions;
using Omemo.Storage;
using Omemo.Xml;

namespace Omemo.Tests.Sessions;

/// <summary>Heartbeats, duplicates, session replacement and SCE envelopes through the session manager.</summary>
public sealed class SessionManagerMessagesTests : ManagerHarness
{
    [Fact]
    public async Task FirstMessageOfANewChain_WithCounter53OrMore_AsksForAHeartbeat()
    {
        var (alice, bob) = await EstablishedAsync();
        using var _a = alice;
        using var _b = bob;
        // Alice's chain after Bob's reply is new; she sends 54 messages (n = 0..53) and only the last arrives first.
        var sent = new List<EncryptedElement>();
        for (int i = 0; i < 54; i++) sent.Add((await alice.EncryptAsync([Bob], Text($"m{i}"))).Element);
        var last = await DeliverAsync(bob, Alice, sent[^1]);
        Assert.Equal("m53", Str(last.Plaintext));
        Assert.Equal(AutomaticReplyReason.Heartbeat, last.ReplyReason);
        Assert.True(Assert.Single(last.AutomaticReply!.Keys) is { IsKeyExchange: false });
        Assert.True(last.AutomaticReply.IsEmpty);

        // The late ones come from skipped keys: no further heartbeat.
        var early = await DeliverAsync(bob, Alice, sent[0]);
        Assert.Equal(("m0", AutomaticReplyReason.None), (Str(early.Plaintext), early.ReplyReason));

        // The heartbeat moves Alice's ratchet: her next chain restarts at counter 0, so no heartbeat is due.
        Assert.Null((await DeliverAsync(alice, Bob, last.AutomaticReply)).Plaintext);
        var after = await DeliverAsync(bob, Alice, (await alice.EncryptAsync([Bob], Text("after"))).Element);
        Assert.Equal(("after", AutomaticReplyReason.None), (Str(after.Plaintext), after.ReplyReason));
    }

    [Fact]
    public async Task MessagesInOrder_NeverAskForAHeartbeat()
    {
        var (alice, bob) = await EstablishedAsync();
        using var _a = alice;
        using var _b = bob;
        for (int i = 0; i < 60; i++)
        {
            var r = await DeliverAsync(bob, Alice, (await alice.EncryptAsync([Bob], Text($"m{i}"))).Element);
            Assert.Equal(AutomaticReplyReason.None, r.ReplyReason);
            Assert.Null(r.AutomaticReply);
        }
    }

    [Fact]
    public async Task RepeatedKeyExchange_IsDecryptedOnce_ThenIgnoredQuietly()
    {
        using var alice = await NewAsync(Alice);
        using var bob = await NewAsync(Bob);
        var first = await alice.EncryptAsync([Bob], Text("one"));
        var second = await alice.EncryptAsync([Bob], Text("two")); // still a key exchange: Bob has not answered
        Assert.True(Assert.Single(second.Element.Keys).IsKeyExchange);
        Assert.Equal("one", Str((await DeliverAsync(bob, Alice, first.Element)).Plaintext));
        var r2 = await DeliverAsync(bob, Alice, second.Element);
        Assert.Equal("two", Str(r2.Plaintext));
        Assert.False(r2.NewSession);
        Assert.Equal(AutomaticReplyReason.KeyExchangeCompletion, r2.ReplyReason);
        var again = await DeliverAsync(bob, Alice, second.Element);
        Assert.True(again.IsDuplicate);
        Assert.Null(again.AutomaticReply);
    }

    [Fact]
    public async Task ReplaceSession_BuildsANewSessionOnBothSides()
    {
        var aliceStore = new InMemoryOmemoStore();
        var (alice, bob) = await EstablishedAsync(aliceStore);
        using var _a = alice;
        using var _b = bob;
        var bobDevice = new DeviceAddress(Bob, bob.DeviceId);
        byte[] before = (await aliceStore.GetSessionAsync(bobDevice))!.State;

        var replacement = await alice.ReplaceSessionAsync(bobDevice);
        Assert.Empty(replacement.Failures);
        Assert.True(replacement.Element.IsEmpty);
        Assert.True(Assert.Single(replacement.Element.Keys).IsKeyExchange);
        Assert.NotEqual(before, (await aliceStore.GetSessionAsync(bobDevice))!.State);

        var received = await DeliverAsync(bob, Alice, replacement.Element);
        Assert.True(received.NewSession);
        Assert.Null(received.Plaintext);
        await DeliverAsync(alice, Bob, received.AutomaticReply!);
        var next = await alice.EncryptAsync([Bob], Text("fresh session"));
        Assert.False(Assert.Single(next.Element.Keys).IsKeyExchange);
        Assert.Equal("fresh session", Str((await DeliverAsync(bob, Alice, next.Element)).Plaintext));
    }

    [Fact]
    public async Task ReplaceSessions_OfAJid_CoversEveryDevice_AndRepairsACorruptSession()
    {
        var aliceStore = new InMemoryOmemoStore();
        using var alice = await NewAsync(Alice, aliceStore);
        using var bob1 = await NewAsync(Bob);
        using var bob2 = await NewAsync(Bob);
        await alice.EncryptAsync([Bob], Text("first"));
        var corrupt = new StoreChanges();
        corrupt.PutSessions.Add(new SessionRecord(new DeviceAddress(Bob, bob1.DeviceId), [1, 2, 3]));
        await aliceStore.CommitAsync(corrupt);
        var broken = await alice.EncryptAsync([Bob], Text("x"));
        Assert.Equal(DeviceFailureReason.Broken, Assert.Single(broken.Failures).Reason);

        var replaced = await alice.ReplaceSessionsAsync(Bob);
        Assert.Equal(new[] { bob1.DeviceId, bob2.DeviceId }.Order(), replaced.Element.Keys.Select(k => k.DeviceId).Order());
        foreach (var bob in new[] { bob1, bob2 })
            Assert.True((await DeliverAsync(bob, Alice, replaced.Element)).NewSession);
        var ok = await alice.EncryptAsync([Bob], Text("repaired"));
        Assert.Empty(ok.Failures);
        Assert.Equal("repaired", Str((await DeliverAsync(bob1, Alice, ok.Element)).Plaintext));
        Assert.Throws<ArgumentException>(() => { _ = alice.ReplaceSessionAsync(new DeviceAddress(Alice, alice.DeviceId)); });
    }

    [Fact]
    public async Task GroupContent_CarriesTheRoomInTo_AndAForgedRoomChangesNothing()
    {
        const string Room = "room@conference.example.org";
        var bobStore = new InMemoryOmemoStore();
        using var alice = await NewAsync(Alice);
        using var bob = await NewAsync(Bob, bobStore);
        using var carol = await NewAsync(Carol);
        var sent = await alice.EncryptContentAsync([Bob, Carol], [SceEnvelope.CreateBody("hi group")], Room);
        Assert.Throws<ArgumentException>(() => { _ = alice.EncryptContentAsync([Bob, Carol], [SceEnvelope.CreateBody("x")]); });

        await Assert.ThrowsAsync<SceAffixMismatchException>(() => bob.DecryptContentAsync(Alice, Wire(sent.Element), "other@conference.example.org"));
        Assert.Null(await bobStore.GetSessionAsync(new DeviceAddress(Alice, alice.DeviceId)));
        await Assert.ThrowsAsync<SceAffixMismatchException>(() => bob.DecryptContentAsync(Carol, Wire(sent.Element), Room));

        var r = await bob.DecryptContentAsync(Alice, Wire(sent.Element), Room);
        Assert.Equal("hi group", r.Content!.Body);
        Assert.Equal((Alice, Room), (r.Content.From, r.Content.To));
        Assert.Equal("hi group", (await carol.DecryptContentAsync(Alice, Wire(sent.Element), Room)).Content!.Body);

        var direct = await bob.EncryptContentAsync([Alice], [SceEnvelope.CreateBody("just you"), new XElement("{urn:example}x")]);
        var d = await alice.DecryptContentAsync(Bob, Wire(direct.Element));
        Assert.Equal(("just you", Alice), (d.Content!.Body, d.Content.To));
        Assert.Equal(2, d.Content.Elements.Count);
    }
}
