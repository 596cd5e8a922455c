using WirePb = Omemo.Wire.Generated;
using Google.Protobuf;
using Omemo.Errors;
using Omemo.Sessions;
using Omemo.Wire;
using Omemo.X3dh;

namespace Omemo.Tests.Protocol;

public sealed class SessionFailureTests
{
    [Fact]
    public void EveryBitFlip_IsRejected_AndLeavesStateUnchanged()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);
        // One message in the current chain and one that forces a DH ratchet step.
        byte[] sameChain = a.Encrypt(ProtocolFixture.RandomKeyMaterial());
        foreach (byte[] wire in new[] { sameChain })
            AssertAllFlipsRejected(b, wire);
        b.Decrypt(sameChain);
        a.Decrypt(b.Encrypt(new byte[32]));
        byte[] newChain = a.Encrypt(ProtocolFixture.RandomKeyMaterial());
        AssertAllFlipsRejected(b, newChain);
        b.Decrypt(newChain);
    }

    private static void AssertAllFlipsRejected(OmemoSession receiver, byte[] wire)
    {
        byte[] before = receiver.Serialize();
        for (int bit = 0; bit < wire.Length * 8; bit++)
        {
            byte[] tampered = (byte[])wire.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.ThrowsAny<OmemoException>(() => receiver.Decrypt(tampered));
            Assert.Equal(before, receiver.Serialize());
        }
        for (int len = 0; len < wire.Length; len++)
        {
            Assert.ThrowsAny<OmemoException>(() => receiver.Decrypt(wire.AsSpan(0, len)));
            Assert.Equal(before, receiver.Serialize());
        }
    }

    [Fact]
    public void KeyExchange_BitFlips_AreRejected()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        using OmemoSession a = OmemoSession.Initiate(alice.Identity, bob.Bundle);
        byte[] kex = a.Encrypt(ProtocolFixture.RandomKeyMaterial());
        for (int bit = 0; bit < kex.Length * 8; bit++)
        {
            byte[] tampered = (byte[])kex.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.ThrowsAny<OmemoException>(() => OmemoSession.AcceptKeyExchange(bob.Identity, bob.Keys, tampered, out _));
        }
        for (int len = 0; len < kex.Length; len++)
            Assert.ThrowsAny<OmemoException>(() => OmemoSession.AcceptKeyExchange(bob.Identity, bob.Keys, kex.AsSpan(0, len), out _));
        OmemoSession.AcceptKeyExchange(bob.Identity, bob.Keys, kex, out _).Dispose();
    }

    [Fact]
    public void KeyExchange_WithoutPreKey_IsRejected()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        using OmemoSession a = OmemoSession.Initiate(alice.Identity, bob.Bundle);
        var kex = WirePb.OMEMOKeyExchange.Parser.ParseFrom(a.Encrypt(ProtocolFixture.RandomKeyMaterial()));
        kex.ClearPkId();
        Assert.Throws<MissingPreKeyException>(() => OmemoSession.AcceptKeyExchange(bob.Identity, bob.Keys, kex.ToByteArray(), out _));

        Bundle noPreKeys = bob.Bundle with { PreKeys = [] };
        Assert.Throws<MissingPreKeyException>(() => OmemoSession.Initiate(alice.Identity, noPreKeys));
    }

    [Fact]
    public void KeyExchange_UnknownPreKeyOrSignedPreKey_IsRejected()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        using OmemoSession a = OmemoSession.Initiate(alice.Identity, bob.Bundle, preKeyId: 3);
        byte[] kex = a.Encrypt(ProtocolFixture.RandomKeyMaterial());

        var withoutSpk = new MemoryPreKeySource();
        foreach (var (id, pk) in bob.Keys.PreKeys) withoutSpk.PreKeys[id] = pk;
        Assert.Throws<UnknownSignedPreKeyException>(() => OmemoSession.AcceptKeyExchange(bob.Identity, withoutSpk, kex, out _));

        bob.Keys.PreKeys.Remove(3);
        Assert.Throws<UnknownPreKeyException>(() => OmemoSession.AcceptKeyExchange(bob.Identity, bob.Keys, kex, out _));

        // A pre-key with the right id but other key material: the agreement differs, the MAC fails.
        bob.Keys.PreKeys[3] = PreKey.Generate(3);
        Assert.Throws<AuthenticationFailedException>(() => OmemoSession.AcceptKeyExchange(bob.Identity, bob.Keys, kex, out _));
    }

    [Fact]
    public void Initiate_RejectsBadSignedPreKeySignature()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        Bundle good = bob.Bundle;
        byte[] sig = (byte[])good.SignedPreKeySignature.Clone();
        sig[5] ^= 1;
        Assert.Throws<InvalidSignatureException>(() => OmemoSession.Initiate(alice.Identity, good with { SignedPreKeySignature = sig }));
        byte[] spk = (byte[])good.SignedPreKey.Clone();
        spk[0] ^= 1;
        Assert.Throws<InvalidSignatureException>(() => OmemoSession.Initiate(alice.Identity, good with { SignedPreKey = spk }));
        using var mallory = new TestDevice();
        Assert.Throws<InvalidSignatureException>(() => OmemoSession.Initiate(alice.Identity, good with { IdentityKey = mallory.Identity.PublicKey.ToArray() }));
        Assert.False((good with { SignedPreKeySignature = sig }).HasValidSignature());
        Assert.True(good.HasValidSignature());
        Assert.Throws<ArgumentException>(() => OmemoSession.Initiate(alice.Identity, good, preKeyId: 999));
        Assert.Throws<InvalidKeyException>(() => OmemoSession.Initiate(alice.Identity, good with { IdentityKey = new byte[31] }));
    }

    [Fact]
    public void Decrypt_TruncatedOrGarbageProtobuf_IsMalformed()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);
        byte[] before = b.Serialize();
        Assert.Throws<MalformedMessageException>(() => b.Decrypt([]));
        Assert.Throws<MalformedMessageException>(() => b.Decrypt([0x0a, 0x10, 1, 2]));
        Assert.Throws<MalformedMessageException>(() => b.Decrypt(new byte[WireLimits.MaxMessageSize + 1]));
        // A KEX where an authenticated message is expected.
        Assert.Throws<MalformedMessageException>(() => b.Decrypt(OmemoSession.Initiate(alice.Identity, bob.Bundle).Encrypt(new byte[32])));
        // Valid MAC field but inner message without ciphertext / with a short key.
        var inner = new WirePb.OMEMOMessage { N = 0, Pn = 0, DhPub = ByteString.CopyFrom(new byte[31]) };
        var auth = new OmemoAuthenticatedMessage(new byte[16], inner.ToByteArray());
        Assert.Throws<MalformedMessageException>(() => b.Decrypt(auth.ToByteArray()));
        inner.DhPub = ByteString.CopyFrom(new byte[32]);
        Assert.Throws<MalformedMessageException>(() => b.Decrypt(new OmemoAuthenticatedMessage(new byte[16], inner.ToByteArray()).ToByteArray()));
        Assert.Equal(before, b.Serialize());
    }

    [Fact]
    public void Decrypt_WrongSession_FailsAuthentication_StateUnchanged()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        using var carol = new TestDevice();
        var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);
        var (c, _) = ProtocolFixture.EstablishConfirmed(carol, bob);
        byte[] fromAlice = a.Encrypt(new byte[48]);
        byte[] before = c.Serialize();
        Assert.ThrowsAny<OmemoException>(() => c.Decrypt(fromAlice));
        Assert.Equal(before, c.Serialize());
        Assert.Equal(new byte[48], b.Decrypt(fromAlice));
    }

    [Fact]
    public void DisposedSession_Throws()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, _) = ProtocolFixture.EstablishConfirmed(alice, bob);
        a.Dispose();
        Assert.Throws<ObjectDisposedException>(() => a.Encrypt(new byte[32]));
        Assert.Throws<ObjectDisposedException>(() => a.Serialize());
    }
}
