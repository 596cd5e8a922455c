using Omemo.Sessions;
using Omemo.Wire;
using Omemo.X3dh;
using Xunit.Abstractions;
using static Omemo.InteropTests.LibOmemoC.LibOmemoCConversation;

namespace Omemo.InteropTests.LibOmemoC;

/// <summary>
/// The engine's <see cref="OmemoSession"/> against libomemo-c (session version 4) through <see cref="LibOmemoCPeer"/>,
/// in both directions: key exchanges, replies, DH ratchet steps, out-of-order and held-back messages, replays, and at
/// least <see cref="LibOmemoCConversation.MessagesPerDirection"/> messages each way, every one decrypting on the other
/// side to the same 48 bytes of key material. Our identity is run with both signs of its Ed25519 point (libomemo-c's
/// own are always positive; ours need not be). <see cref="LibOmemoCLegacyInteropTests"/> does the same for OMEMO 0.3.
/// </summary>
public sealed class LibOmemoCEngineInteropTests(ITestOutputHelper output)
{
    [Theory, BothIdentitySigns]
    public void Engine_initiates_with_the_C_peer_bundle(int identitySign)
    {
        if (!LibOmemoCRequirement.Peer(output, out string path)) return;
        using var peer = LibOmemoCPeer.Start(path, PeerDevice, preKeys: 20, signedPreKeyId: 5, firstPreKeyId: 300);
        using var own = IdentityWithSign(identitySign);
        var b = peer.Bundle;
        var bundle = new Bundle(b.IdentityKey, b.SignedPreKeyId, b.SignedPreKey, b.SignedPreKeySignature,
            [.. b.PreKeys.Select(p => new PreKeyPublic(p.Id, p.PublicKey))]);
        Assert.True(bundle.HasValidSignature());

        uint chosen = b.PreKeys[7].Id;
        using var session = OmemoSession.Initiate(own, bundle, chosen);
        var engine = new OmemoEngineSide(session);
        Assert.True(engine.IsKeyExchangePending);
        engine.AssertBuiltFrom(b.IdentityKey, chosen, b.SignedPreKeyId);
        var c = new PeerSide(peer, OurJid, OurDevice);

        DeliverKeyExchangesOutOfOrder(engine, c);
        ConfirmAndConverse(engine, c, output); // from then on the engine sends OMEMOAuthenticatedMessages
    }

    [Theory, BothIdentitySigns]
    public void C_peer_initiates_with_our_bundle(int identitySign)
    {
        if (!LibOmemoCRequirement.Peer(output, out string path)) return;
        using var peer = LibOmemoCPeer.Start(path, PeerDevice, preKeys: 0);
        using var own = IdentityWithSign(identitySign);
        var keys = new InMemoryPreKeys(SignedPreKey.Generate(own, 9), Enumerable.Range(1, 100).Select(i => PreKey.Generate((uint)i)));
        var pk = keys.Get(42);
        peer.ProcessBundle(OurJid, OurDevice, own.PublicKey.ToArray(), keys.Signed.Id, keys.Signed.PublicKey,
            keys.Signed.Signature, pk.Id, pk.PublicKey);

        var first = new PeerSide(peer, OurJid, OurDevice).Send();
        Assert.True(first.Kex);
        var parsed = OmemoKeyExchange.Parse(first.Bytes); // libomemo-c's OMEMOKeyExchange, read by our wire codec
        Assert.Equal(42u, parsed.PreKeyId);
        Assert.Equal(9u, parsed.SignedPreKeyId);
        Assert.Equal(peer.Bundle.IdentityKey, parsed.IdentityKey); // the Ed25519 form, as in the bundle
        Assert.Equal(32, parsed.EphemeralKey.Length);
        using var session = OmemoSession.AcceptKeyExchange(own, keys, first.Bytes, out byte[] keyMaterial);
        Assert.Equal(first.KeyMaterial, keyMaterial);
        var engine = new OmemoEngineSide(session);
        Assert.False(engine.IsKeyExchangePending);
        engine.AssertBuiltFrom(peer.Bundle.IdentityKey, 42, 9);

        AnswerRepeatedKeyExchangesAndConverse(engine, new PeerSide(peer, OurJid, OurDevice), output);
    }

    [Fact]
    public void Serialized_engine_session_keeps_talking_to_the_C_peer()
    {
        if (!LibOmemoCRequirement.Peer(output, out string path)) return;
        using var peer = LibOmemoCPeer.Start(path, PeerDevice, preKeys: 3);
        using var own = IdentityKeyPair.Generate();
        var b = peer.Bundle;
        var bundle = new Bundle(b.IdentityKey, b.SignedPreKeyId, b.SignedPreKey, b.SignedPreKeySignature,
            [.. b.PreKeys.Select(p => new PreKeyPublic(p.Id, p.PublicKey))]);
        var engine = new OmemoEngineSide(OmemoSession.Initiate(own, bundle));
        var c = new PeerSide(peer, OurJid, OurDevice);
        for (int i = 0; i < 30; i++)
        {
            var restored = OmemoSession.Deserialize(engine.Session.Serialize());
            engine.Session.Dispose();
            engine.Session = restored;
            var from = i % 3 == 2 ? (ISide)c : engine;
            var to = from == engine ? (ISide)c : engine;
            to.Receive(from.Send());
        }
        engine.Session.Dispose();
    }

    private sealed class OmemoEngineSide(OmemoSession session) : EngineSide(48)
    {
        public OmemoSession Session { get; set; } = session;

        public override bool IsKeyExchangePending => Session.IsKeyExchangePending;

        protected override byte[] Encrypt(byte[] keyMaterial) => Session.Encrypt(keyMaterial);

        protected override byte[] Decrypt(byte[] message) => Session.Decrypt(message);

        // The peer's own bytes of field 5 (message): the MAC covers them as written, not as re-serialized.
        protected override byte[] InnerMessage(byte[] keyExchange)
        {
            Assert.True(Session.IsSameKeyExchange(OmemoKeyExchange.Parse(keyExchange)));
            return keyExchange[Field(keyExchange, 5)];
        }

        protected override byte[] Serialize() => Session.Serialize();

        protected override (byte[], uint, uint) KeyExchange
            => (Session.PeerIdentityKey.ToArray(), Session.UsedPreKeyId, Session.UsedSignedPreKeyId);
    }
}
