using Omemo.Errors;
using Omemo.Sessions;
using Omemo.Wire;

namespace Omemo.Tests.Protocol;

public sealed class SessionRoundTripTests
{
    [Fact]
    public void KeyExchange_IsRepeatedUntilPeerAnswers_ThenPlainMessages()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.Establish(alice, bob);
        Assert.True(a.IsInitiator);
        Assert.False(b.IsInitiator);
        Assert.True(a.IsKeyExchangePending);
        Assert.False(b.IsKeyExchangePending);
        Assert.Equal(alice.Identity.PublicKey.ToArray(), b.PeerIdentityKey.ToArray());
        Assert.Equal(bob.Identity.PublicKey.ToArray(), a.PeerIdentityKey.ToArray());
        Assert.Equal(a.UsedPreKeyId, b.UsedPreKeyId);
        Assert.Equal(a.UsedSignedPreKeyId, b.UsedSignedPreKeyId);
        Assert.Equal(a.KeyExchangeEphemeral.ToArray(), b.KeyExchangeEphemeral.ToArray());

        // Second message while pending: again an OMEMOKeyExchange with the same header; Bob recognises it.
        byte[] km = ProtocolFixture.RandomKeyMaterial();
        var kex = OmemoKeyExchange.Parse(a.Encrypt(km));
        Assert.True(b.IsSameKeyExchange(kex));
        Assert.Equal(km, b.Decrypt(kex.Message.ToByteArray()));

        // Bob answers; Alice is confirmed and sends plain OMEMOAuthenticatedMessages.
        km = ProtocolFixture.RandomKeyMaterial();
        Assert.Equal(km, a.Decrypt(b.Encrypt(km)));
        Assert.False(a.IsKeyExchangePending);
        byte[] plain = a.Encrypt(km);
        OmemoAuthenticatedMessage.Parse(plain);
        Assert.Equal(km, b.Decrypt(plain));
    }

    [Fact]
    public void ManyMessages_AlternatingAndBursts()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);
        var rng = new Random(1234);
        for (int round = 0; round < 60; round++)
        {
            bool fromAlice = rng.Next(2) == 0;
            int burst = rng.Next(1, 6);
            var (sender, receiver) = fromAlice ? (a, b) : (b, a);
            for (int i = 0; i < burst; i++)
            {
                byte[] km = ProtocolFixture.RandomKeyMaterial();
                Assert.Equal(km, receiver.Decrypt(sender.Encrypt(km)));
            }
        }
    }

    [Fact]
    public void EmptyMessage_KeyMaterialOf32ZeroBytes()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);
        byte[] zero = new byte[OmemoPayload.EmptyKeyMaterialSize];
        Assert.Equal(zero, b.Decrypt(a.Encrypt(zero)));
        Assert.Equal(zero, a.Decrypt(b.Encrypt(zero)));
    }

    [Fact]
    public void OutOfOrder_WithinAndAcrossChains()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);

        // Alice sends 5 in chain 1; Bob gets #3 first.
        var chain1 = Enumerable.Range(0, 5).Select(_ => Message(a)).ToList();
        Deliver(b, chain1[3]);
        Deliver(b, chain1[0]);
        // Bob answers (new chain for Alice), Alice answers in a new chain, carrying pn = 5.
        Deliver(a, Message(b));
        var chain2 = Enumerable.Range(0, 3).Select(_ => Message(a)).ToList();
        Deliver(b, chain2[2]);          // ratchet step: stores chain1 #1, #2, #4 and chain2 #0, #1
        Assert.Equal(5, b.SkippedMessageKeyCount);
        Deliver(b, chain1[4]);
        Deliver(b, chain2[0]);
        Deliver(b, chain1[1]);
        Deliver(b, chain1[2]);
        Deliver(b, chain2[1]);
        Assert.Equal(0, b.SkippedMessageKeyCount);
        foreach (var m in chain1.Concat(chain2))
            Assert.Throws<DuplicateMessageException>(() => b.Decrypt(m.Wire));
    }

    [Fact]
    public void LostKeyExchangeMessages_ResponderSkipsAhead()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        OmemoSession a = OmemoSession.Initiate(alice.Identity, bob.Bundle);
        var kexes = Enumerable.Range(0, 4).Select(_ => Message(a)).ToList();
        OmemoSession b = OmemoSession.AcceptKeyExchange(bob.Identity, bob.Keys, kexes[2].Wire, out byte[] km);
        Assert.Equal(kexes[2].KeyMaterial, km);
        Assert.Equal(2, b.SkippedMessageKeyCount);
        foreach (int i in new[] { 0, 3, 1 })
        {
            var kex = OmemoKeyExchange.Parse(kexes[i].Wire);
            Assert.True(b.IsSameKeyExchange(kex));
            Assert.Equal(kexes[i].KeyMaterial, b.Decrypt(kex.Message.ToByteArray()));
        }
    }

    [Fact]
    public void MaxSkip_ExceededIsRejected_AndAtLimitIsAccepted()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);
        for (int i = 0; i < 1001; i++) a.Encrypt(new byte[32]);
        var tooFar = Message(a); // n = skipped 1001 from Bob's next expected
        byte[] before = b.Serialize();
        Assert.Throws<TooManySkippedMessagesException>(() => b.Decrypt(tooFar.Wire));
        Assert.Equal(before, b.Serialize());

        using var carol = new TestDevice();
        using var dave = new TestDevice();
        var (c, d) = ProtocolFixture.EstablishConfirmed(carol, dave);
        for (int i = 0; i < 1000; i++) c.Encrypt(new byte[32]);
        var atLimit = Message(c);
        Deliver(d, atLimit);
        Assert.Equal(1000, d.SkippedMessageKeyCount);
    }

    [Fact]
    public void SkippedKeys_FifoEvictionBeyond1000()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);
        var all = Enumerable.Range(0, 1202).Select(_ => Message(a)).ToList();
        Deliver(b, all[600]);                     // stores 0..599
        Assert.Equal(600, b.SkippedMessageKeyCount);
        Deliver(b, all[1201]);                    // stores 601..1200 -> 1200 stored, 200 oldest evicted
        Assert.Equal(1000, b.SkippedMessageKeyCount);
        for (int i = 0; i < 200; i++)
            Assert.Throws<DuplicateMessageException>(() => b.Decrypt(all[i].Wire));
        Deliver(b, all[200]);
        Deliver(b, all[599]);
        Deliver(b, all[601]);
        Deliver(b, all[1200]);
        Assert.Equal(996, b.SkippedMessageKeyCount);
    }

    [Fact]
    public void Duplicates_AreRejected_AndLeaveStateUnchanged()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);
        var m1 = Message(a);
        var m2 = Message(a);
        Deliver(b, m2);
        Deliver(b, m1); // from the skipped store
        byte[] before = b.Serialize();
        Assert.Throws<DuplicateMessageException>(() => b.Decrypt(m1.Wire));
        Assert.Throws<DuplicateMessageException>(() => b.Decrypt(m2.Wire));
        Assert.Equal(before, b.Serialize());
        // Old chain replay after ratchet steps.
        Deliver(a, Message(b));
        Deliver(b, Message(a));
        Assert.Throws<DuplicateMessageException>(() => b.Decrypt(m1.Wire));
    }

    [Fact]
    public void SerializeDeserialize_MidConversation()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.Establish(alice, bob);
        var pendingCopy = OmemoSession.Deserialize(a.Serialize());
        Assert.True(pendingCopy.IsKeyExchangePending);
        Assert.Equal(a.Serialize(), pendingCopy.Serialize());

        var held = Enumerable.Range(0, 3).Select(_ => Message(a)).ToList();
        Assert.Equal(held[2].KeyMaterial, b.Decrypt(OmemoKeyExchange.Parse(held[2].Wire).Message.ToByteArray()));
        a = OmemoSession.Deserialize(a.Serialize());
        b = OmemoSession.Deserialize(b.Serialize());
        Assert.Equal(b.Serialize(), OmemoSession.Deserialize(b.Serialize()).Serialize());
        Assert.Equal(2, b.SkippedMessageKeyCount);
        var kex = OmemoKeyExchange.Parse(held[0].Wire);
        Assert.Equal(held[0].KeyMaterial, b.Decrypt(kex.Message.ToByteArray()));
        Deliver(a, Message(b));
        a = OmemoSession.Deserialize(a.Serialize());
        Assert.False(a.IsKeyExchangePending);
        for (int i = 0; i < 10; i++)
        {
            Deliver(b, Message(a));
            b = OmemoSession.Deserialize(b.Serialize());
            Deliver(a, Message(b));
            a = OmemoSession.Deserialize(a.Serialize());
        }
        Assert.Equal(alice.Identity.PublicKey.ToArray(), b.PeerIdentityKey.ToArray());
    }

    [Fact]
    public void Deserialize_RejectsTruncatedAndTrailingData()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);
        Message(a); Message(a);
        Deliver(b, Message(a));
        byte[] data = b.Serialize();
        for (int len = 0; len < data.Length; len++)
            Assert.Throws<MalformedMessageException>(() => OmemoSession.Deserialize(data.AsSpan(0, len)));
        Assert.Throws<MalformedMessageException>(() => OmemoSession.Deserialize([.. data, 0]));
        byte[] badVersion = (byte[])data.Clone();
        badVersion[0] = 99;
        Assert.Throws<MalformedMessageException>(() => OmemoSession.Deserialize(badVersion));
    }

    internal sealed record Sent(byte[] KeyMaterial, byte[] Wire);

    internal static Sent Message(OmemoSession from)
    {
        byte[] km = ProtocolFixture.RandomKeyMaterial();
        return new Sent(km, from.Encrypt(km));
    }

    internal static void Deliver(OmemoSession to, Sent message) => Assert.Equal(message.KeyMaterial, to.Decrypt(message.Wire));
}
