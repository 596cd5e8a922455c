using System.Security.Cryptography;
using Omemo.Errors;
using Omemo.Sessions;
using Omemo.Wire;
using Omemo.X3dh;
using Xunit.Abstractions;

namespace Omemo.InteropTests.LibOmemoC;

/// <summary>
/// The engine's <see cref="OmemoSession"/> against libomemo-c (session version 4) through <see cref="LibOmemoCPeer"/>,
/// in both directions: key exchanges, replies, DH ratchet steps, out-of-order and held-back messages, replays, and at
/// least <see cref="MessagesPerDirection"/> messages each way, every one decrypting on the other side to the same
/// 48 bytes of key material. Our identity is run with both signs of its Ed25519 point (libomemo-c's own are always
/// positive; ours need not be).
/// </summary>
public sealed class LibOmemoCEngineInteropTests(ITestOutputHelper output)
{
    private const int MessagesPerDirection = 150;
    private const string OurJid = "engine@example.org";
    private const uint OurDevice = 31337;
    private const string PeerJid = "libomemo-c@example.org";
    private const uint PeerDevice = 4711;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
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
        Assert.True(session.IsKeyExchangePending);
        Assert.Equal(b.IdentityKey, session.PeerIdentityKey.ToArray());
        Assert.Equal(chosen, session.UsedPreKeyId);
        Assert.Equal(b.SignedPreKeyId, session.UsedSignedPreKeyId);

        var engine = new EngineSide(session);
        var c = new PeerSide(peer, OurJid, OurDevice);

        // Three key exchanges before any reply, delivered 2, 1, 3; a replayed key exchange is refused.
        var kx = Enumerable.Range(0, 3).Select(_ => engine.Send()).ToList();
        Assert.All(kx, m => Assert.True(m.Kex));
        c.Receive(kx[1]);
        c.Receive(kx[0]);
        c.Receive(kx[2]);
        c.ExpectRefused(kx[2]);
        Assert.Equal(19, peer.PreKeyCount()); // libomemo-c consumed exactly the chosen pre-key

        // The first reply confirms the session: from then on the engine sends OMEMOAuthenticatedMessages.
        var reply = c.Send();
        Assert.False(reply.Kex);
        engine.Receive(reply);
        Assert.False(session.IsKeyExchangePending);

        Converse(engine, c, output);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void C_peer_initiates_with_our_bundle(int identitySign)
    {
        if (!LibOmemoCRequirement.Peer(output, out string path)) return;
        using var peer = LibOmemoCPeer.Start(path, PeerDevice, preKeys: 0);
        using var own = IdentityWithSign(identitySign);
        var keys = new PreKeys(SignedPreKey.Generate(own, 9), Enumerable.Range(1, 100).Select(i => PreKey.Generate((uint)i)));
        var pk = keys.Get(42);
        peer.ProcessBundle(OurJid, OurDevice, own.PublicKey.ToArray(), keys.Signed.Id, keys.Signed.PublicKey,
            keys.Signed.Signature, pk.Id, pk.PublicKey);

        var c = new PeerSide(peer, OurJid, OurDevice);
        var first = c.Send();
        Assert.True(first.Kex);
        var parsed = OmemoKeyExchange.Parse(first.Bytes); // libomemo-c's OMEMOKeyExchange, read by our wire codec
        Assert.Equal(42u, parsed.PreKeyId);
        Assert.Equal(9u, parsed.SignedPreKeyId);
        Assert.Equal(peer.Bundle.IdentityKey, parsed.IdentityKey); // the Ed25519 form, as in the bundle
        Assert.Equal(32, parsed.EphemeralKey.Length);
        using var session = OmemoSession.AcceptKeyExchange(own, keys, first.Bytes, out byte[] keyMaterial);
        Assert.Equal(first.KeyMaterial, keyMaterial);
        Assert.False(session.IsKeyExchangePending);
        Assert.Equal(peer.Bundle.IdentityKey, session.PeerIdentityKey.ToArray());
        Assert.Equal(42u, session.UsedPreKeyId);
        Assert.Equal(9u, session.UsedSignedPreKeyId);

        // More key exchanges before our reply (the peer keeps sending them until it hears from us); the second one
        // arrives before a third is sent, and one is held back until after the reply.
        var engine = new EngineSide(session);
        var second = c.Send();
        var third = c.Send();
        Assert.True(second.Kex && third.Kex);
        engine.Receive(third);
        engine.Receive(second);
        engine.ExpectRefused(second);

        var reply = engine.Send();
        Assert.False(reply.Kex);
        c.Receive(reply);
        var next = c.Send();
        Assert.False(next.Kex);
        engine.Receive(next);

        Converse(engine, c, output);
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
        var engine = new EngineSide(OmemoSession.Initiate(own, bundle));
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

    private static IdentityKeyPair IdentityWithSign(int sign)
    {
        for (;;)
        {
            var id = IdentityKeyPair.Generate();
            if (id.PublicKey[31] >> 7 == sign) return id;
            id.Dispose();
        }
    }

    /// <summary>
    /// Rounds alternating direction with bursts of 1..7 messages; every third round is delivered in reverse, every
    /// fifth holds its first message back for two rounds (so it crosses DH ratchet steps); a copy of every burst's
    /// last message with one ciphertext bit flipped is refused before the real one arrives, and every burst's first
    /// message is replayed and must be refused. Runs until each direction carried <see cref="MessagesPerDirection"/>.
    /// </summary>
    private static void Converse(ISide a, ISide b, ITestOutputHelper output)
    {
        int ab = 0, ba = 0, round = 0;
        var held = new List<(int DueRound, ISide To, Sent Message)>();
        while (ab < MessagesPerDirection || ba < MessagesPerDirection)
        {
            var (from, to) = round % 2 == 0 ? (a, b) : (b, a);
            int burst = 1 + round * 5 % 7;
            var batch = Enumerable.Range(0, burst).Select(_ => from.Send()).ToList();
            Assert.All(batch, m => Assert.False(m.Kex));
            if (round % 5 == 4 && burst > 1)
            {
                held.Add((round + 2, to, batch[0]));
                batch.RemoveAt(0);
            }
            byte[] tampered = (byte[])batch[^1].Bytes.Clone();
            tampered[^1] ^= 0x01; // last byte of the OMEMOMessage ciphertext: the MAC must catch it
            to.ExpectRefused(batch[^1] with { Bytes = tampered });
            if (round % 3 == 2) batch.Reverse();
            foreach (var m in batch) to.Receive(m);
            if (batch.Count > 0) to.ExpectRefused(batch[0]);
            foreach (var h in held.Where(h => h.DueRound == round).ToList())
            {
                h.To.Receive(h.Message);
                held.Remove(h);
            }
            if (from == a) ab += burst; else ba += burst;
            round++;
        }
        foreach (var h in held) h.To.Receive(h.Message);
        output.WriteLine($"{round} rounds: {ab} messages one way, {ba} the other");
    }

    private sealed record Sent(bool Kex, byte[] Bytes, byte[] KeyMaterial);

    private interface ISide
    {
        Sent Send();

        /// <summary>Decrypts and asserts the key material; throws when the side refuses the message.</summary>
        void Receive(Sent message);

        /// <summary>Asserts that the side refuses the message with its typed error (state unchanged).</summary>
        void ExpectRefused(Sent message);
    }

    private sealed class EngineSide(OmemoSession session) : ISide
    {
        public OmemoSession Session { get; set; } = session;

        public Sent Send()
        {
            byte[] km = RandomNumberGenerator.GetBytes(48);
            bool kex = Session.IsKeyExchangePending;
            return new Sent(kex, Session.Encrypt(km), km);
        }

        public void Receive(Sent message)
        {
            Assert.Equal(message.KeyMaterial, Session.Decrypt(Authenticated(message)));
        }

        public void ExpectRefused(Sent message)
        {
            var e = Assert.ThrowsAny<OmemoException>(() => Session.Decrypt(Authenticated(message)));
            Assert.True(e is DuplicateMessageException or AuthenticationFailedException, e.GetType().Name);
        }

        // A key exchange for the session we already have (XEP-0384 4.3): only its inner message is decrypted.
        private byte[] Authenticated(Sent message)
        {
            if (!message.Kex) return message.Bytes;
            Assert.True(Session.IsSameKeyExchange(OmemoKeyExchange.Parse(message.Bytes)));
            return KeyExchangeMessageField(message.Bytes);
        }
    }

    private sealed class PeerSide(LibOmemoCPeer peer, string remoteJid, uint remoteDevice) : ISide
    {
        public Sent Send()
        {
            byte[] km = RandomNumberGenerator.GetBytes(48);
            var (kex, bytes) = peer.Encrypt(remoteJid, remoteDevice, km);
            return new Sent(kex, bytes, km);
        }

        public void Receive(Sent message)
            => Assert.Equal(message.KeyMaterial, peer.Decrypt(remoteJid, remoteDevice, message.Kex, message.Bytes));

        public void ExpectRefused(Sent message)
        {
            var e = Assert.Throws<LibOmemoCPeerException>(() => peer.Decrypt(remoteJid, remoteDevice, message.Kex, message.Bytes));
            // SG_ERR_DUPLICATE_MESSAGE for a replay; a bad MAC is SG_ERR_INVALID_MESSAGE in libomemo-c ("Message mac not verified").
            Assert.True(e.Code is -1001 or -1005, e.Message);
        }
    }

    private sealed class PreKeys(SignedPreKey signed, IEnumerable<PreKey> preKeys) : IPreKeySource
    {
        private readonly Dictionary<uint, PreKey> _preKeys = preKeys.ToDictionary(p => p.Id);

        public SignedPreKey Signed { get; } = signed;

        public PreKey Get(uint id) => _preKeys[id];

        public SignedPreKey? GetSignedPreKey(uint id) => id == Signed.Id ? Signed : null;

        public PreKey? GetPreKey(uint id) => _preKeys.GetValueOrDefault(id);
    }

    /// <summary>Field 5 (message, bytes) of a serialized OMEMOKeyExchange, read with a minimal protobuf walker.</summary>
    private static byte[] KeyExchangeMessageField(byte[] kex)
    {
        int p = 0;
        while (p < kex.Length)
        {
            ulong tag = Varint(kex, ref p);
            switch (tag & 7)
            {
                case 0:
                    Varint(kex, ref p);
                    break;
                case 2:
                    int len = checked((int)Varint(kex, ref p));
                    if (tag >> 3 == 5) return kex[p..(p + len)];
                    p += len;
                    break;
                default:
                    throw new InvalidDataException($"unexpected wire type {tag & 7}");
            }
        }
        throw new InvalidDataException("no message field in OMEMOKeyExchange");
    }

    private static ulong Varint(byte[] d, ref int p)
    {
        ulong v = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = d[p++];
            v |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw new InvalidDataException("varint too long");
    }
}
