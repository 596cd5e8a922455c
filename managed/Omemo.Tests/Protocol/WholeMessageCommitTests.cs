using Omemo.Errors;
using Omemo.Sessions;

namespace Omemo.Tests.Protocol;

/// <summary>A message is accepted as a whole (key element and payload) or not at all.</summary>
public class WholeMessageCommitTests
{
    private static (byte[] Key, byte[] Payload) Seal(OmemoSession sender, byte[] plaintext)
    {
        byte[] km = new byte[OmemoPayload.KeyMaterialSize];
        byte[] payload = OmemoPayload.Encrypt(plaintext, km);
        return (sender.Encrypt(km), payload);
    }

    [Fact]
    public void TamperedPayload_LeavesSessionUnchanged_AndTheRealMessageStillDecrypts()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);
        for (int round = 0; round < 3; round++) // same chain, and after the peer answered (new chain)
        {
            var (key, payload) = Seal(b, "hello"u8.ToArray());
            byte[] before = a.Serialize();
            for (int bit = 0; bit < payload.Length * 8; bit += 7)
            {
                byte[] bad = (byte[])payload.Clone();
                bad[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.ThrowsAny<OmemoException>(() => a.DecryptMessage(key, bad));
                Assert.Equal(before, a.Serialize());
            }
            Assert.Equal("hello"u8.ToArray(), a.DecryptMessage(key, payload));
            Assert.Throws<DuplicateMessageException>(() => a.DecryptMessage(key, payload));
            a.Encrypt(ProtocolFixture.RandomKeyMaterial()); // alice answers: bob's next message starts a new chain
            b.Decrypt(a.Encrypt(ProtocolFixture.RandomKeyMaterial()));
        }
    }

    [Fact]
    public void SkippedKey_IsKeptWhenItsPayloadFails()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);
        var first = Seal(b, [1]);
        var second = Seal(b, [2]);
        Assert.Equal(new byte[] { 2 }, a.DecryptMessage(second.Key, second.Payload));
        byte[] bad = (byte[])first.Payload.Clone();
        bad[^1] ^= 1;
        byte[] before = a.Serialize();
        Assert.ThrowsAny<OmemoException>(() => a.DecryptMessage(first.Key, bad));
        Assert.Equal(before, a.Serialize());
        Assert.Equal(new byte[] { 1 }, a.DecryptMessage(first.Key, first.Payload));
    }

    [Fact]
    public void EmptyMessages_RoundTrip_AndMustCarryZeroKeyMaterial()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);
        Assert.Null(a.DecryptMessage(b.Encrypt(new byte[OmemoPayload.EmptyKeyMaterialSize]), null));
        byte[] notEmpty = b.Encrypt(ProtocolFixture.RandomKeyMaterial());
        byte[] before = a.Serialize();
        Assert.Throws<MalformedMessageException>(() => a.DecryptMessage(notEmpty, null));
        Assert.Equal(before, a.Serialize());
    }

    [Fact]
    public void KeyExchange_WithBadPayload_CreatesNoSession_AndTheGoodOneDoes()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        using OmemoSession a = OmemoSession.Initiate(alice.Identity, bob.Bundle);
        var (kex, payload) = Seal(a, "first"u8.ToArray());
        byte[] bad = (byte[])payload.Clone();
        bad[0] ^= 0x80;
        Assert.ThrowsAny<OmemoException>(() => OmemoSession.AcceptKeyExchangeMessage(bob.Identity, bob.Keys, kex, bad, out _));
        using OmemoSession b = OmemoSession.AcceptKeyExchangeMessage(bob.Identity, bob.Keys, kex, payload, out byte[]? plaintext);
        Assert.Equal("first"u8.ToArray(), plaintext);
    }
}
