using Omemo.Sessions;
using Omemo.Storage;
using Omemo.Wire;
using Omemo.X3dh;
using Omemo.Xml;

namespace Omemo.Tests.Sessions;

/// <summary>History catch-up (XEP-0384 section 7): deferred pre-key deletion, then empty messages.</summary>
public sealed class SessionManagerCatchUpTests : ManagerHarness
{
    [Fact]
    public async Task CatchUp_KeepsUsedPreKeys_UntilItEnds_ThenSendsEmptyMessages()
    {
        var bobStore = new InMemoryOmemoStore();
        using var bob = await NewAsync(Bob, bobStore);
        using var alice = await NewAsync(Alice);
        var bundle = PublishedBundle(Bob, bob.DeviceId);

        bob.BeginCatchUp();
        Assert.True(bob.IsCatchingUp);
        var fromAlice = await alice.EncryptAsync([Bob], Text("archived"));
        uint used = OmemoKeyExchange.Parse(fromAlice.Element.FindKey(Bob, bob.DeviceId)!.Data).PreKeyId;
        var r1 = await DeliverAsync(bob, Alice, fromAlice.Element);
        Assert.Equal("archived", Str(r1.Plaintext));
        Assert.Null(r1.AutomaticReply);
        Assert.Equal(AutomaticReplyReason.None, r1.ReplyReason);
        Assert.NotNull(await bobStore.GetPreKeyAsync(used));

        // The race the XEP describes: another device used the same pre-key; during catch-up it still decrypts.
        using var mallory = IdentityKeyPair.Generate();
        using (var session = OmemoSession.Initiate(mallory, bundle, used))
        {
            byte[] km = new byte[OmemoPayload.KeyMaterialSize];
            byte[] payload = OmemoPayload.Encrypt(Text("same pre-key"), km);
            var second = new EncryptedElement(77, [new EncryptedKey(Bob, bob.DeviceId, session.Encrypt(km), true)], payload);
            Assert.Equal("same pre-key", Str((await DeliverAsync(bob, Carol, second)).Plaintext));
        }
        Assert.Equal(100, bob.PreKeyCount);

        var empties = await bob.EndCatchUpAsync();
        Assert.False(bob.IsCatchingUp);
        Assert.Null(await bobStore.GetPreKeyAsync(used));
        Assert.Equal(100, (await bobStore.GetPreKeysAsync()).Count);
        Assert.DoesNotContain(PublishedBundle(Bob, bob.DeviceId).PreKeys, p => p.Id == used);
        Assert.Equal([Alice, Carol], empties.Select(e => Assert.Single(e.Keys).Jid));
        Assert.All(empties, e => Assert.True(e.IsEmpty));

        // Alice's answer arrives: her session stops repeating the key exchange.
        Assert.Null((await DeliverAsync(alice, Bob, empties[0])).Plaintext);
        var next = await alice.EncryptAsync([Bob], Text("live"));
        Assert.False(Assert.Single(next.Element.Keys).IsKeyExchange);
        Assert.Equal("live", Str((await DeliverAsync(bob, Alice, next.Element)).Plaintext));
        Assert.Empty(await bob.EndCatchUpAsync());
    }

    [Fact]
    public async Task WithoutCatchUp_ASecondKeyExchangeWithAUsedPreKey_IsRefused()
    {
        using var bob = await NewAsync(Bob);
        using var alice = await NewAsync(Alice);
        var bundle = PublishedBundle(Bob, bob.DeviceId);
        var fromAlice = await alice.EncryptAsync([Bob], Text("live"));
        uint used = OmemoKeyExchange.Parse(fromAlice.Element.FindKey(Bob, bob.DeviceId)!.Data).PreKeyId;
        var r = await DeliverAsync(bob, Alice, fromAlice.Element);
        Assert.Equal(AutomaticReplyReason.KeyExchangeCompletion, r.ReplyReason);

        using var mallory = IdentityKeyPair.Generate();
        using var session = OmemoSession.Initiate(mallory, bundle, used);
        var second = new EncryptedElement(77, [new EncryptedKey(Bob, bob.DeviceId, session.Encrypt(new byte[32]), true)], null);
        await Assert.ThrowsAsync<Omemo.Errors.UnknownPreKeyException>(() => DeliverAsync(bob, Carol, second));
    }
}
