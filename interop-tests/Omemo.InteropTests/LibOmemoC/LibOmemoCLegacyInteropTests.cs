using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Sessions.Legacy;
using Omemo.Wire.Legacy;
using Omemo.X3dh;
using Omemo.Xml.Legacy;
using Xunit.Abstractions;
using static Omemo.InteropTests.LibOmemoC.LibOmemoCConversation;

namespace Omemo.InteropTests.LibOmemoC;

/// <summary>
/// The engine's legacy OMEMO 0.3 <see cref="LegacySession"/> against libomemo-c in session version 3 (libsignal v3
/// framing) through <see cref="LibOmemoCPeer"/>, in both directions: the engine builds a session from the peer's v3
/// bundle (its legacy signed pre-key signature verifies with <see cref="LegacySignedPreKey.Verify"/>), the peer builds
/// one from our legacy bundle (signed with <see cref="LegacySignedPreKey.Sign"/>) and we accept its
/// PreKeyWhisperMessage; then repeated key exchanges, replies, DH ratchet steps, out-of-order and held-back messages,
/// replays, and at least <see cref="LibOmemoCConversation.MessagesPerDirection"/> messages each way, every one
/// decrypting on the other side to the same 32 bytes of key material. Tampered messages (MAC, counter, ciphertext and
/// more) are refused on both sides without changing the session. Our identity is run with both signs of its Ed25519
/// point: legacy bundles carry only the Curve25519 form, and the sign travels in bit 7 of signature byte 63.
/// </summary>
public sealed class LibOmemoCLegacyInteropTests(ITestOutputHelper output)
{
    private const int LegacyVersion = 3;

    [Theory, BothIdentitySigns]
    public void Engine_initiates_with_the_C_peer_v3_bundle(int identitySign)
    {
        if (!LibOmemoCRequirement.Peer(output, out string path)) return;
        using var peer = LibOmemoCPeer.Start(path, PeerDevice, preKeys: 20, signedPreKeyId: 5, firstPreKeyId: 300, version: LegacyVersion);
        using var own = IdentityWithSign(identitySign);
        var bundle = LegacyBundleOf(peer.Bundle);
        Assert.True(LegacySignedPreKey.Verify(bundle.IdentityKey, bundle.SignedPreKey, bundle.SignedPreKeySignature));

        uint chosen = peer.Bundle.PreKeys[7].Id;
        using var session = LegacySession.Initiate(own, bundle, chosen);
        var engine = new LegacyEngineSide(session);
        Assert.True(engine.IsKeyExchangePending);
        engine.AssertBuiltFrom(bundle.IdentityKey, chosen, bundle.SignedPreKeyId);
        var c = new PeerSide(peer, OurJid, OurDevice);

        var kx = DeliverKeyExchangesOutOfOrder(engine, c); // PreKeyWhisperMessages, in the order 2, 1, 3
        var parsed = LegacyPreKeyWhisperMessage.Parse(kx[0].Bytes); // what libomemo-c read, by our codec
        Assert.Equal(chosen, parsed.PreKeyId);
        Assert.Equal(bundle.SignedPreKeyId, parsed.SignedPreKeyId);
        Assert.Equal(CurveIdentity(own), parsed.IdentityKey);
        ConfirmAndConverse(engine, c, output); // from then on the engine sends WhisperMessages
    }

    [Theory, BothIdentitySigns]
    public void C_peer_initiates_with_our_legacy_bundle(int identitySign)
    {
        if (!LibOmemoCRequirement.Peer(output, out string path)) return;
        using var peer = LibOmemoCPeer.Start(path, PeerDevice, preKeys: 0, version: LegacyVersion);
        using var own = IdentityWithSign(identitySign);
        var keys = new InMemoryPreKeys(SignedPreKey.Generate(own, 9), Enumerable.Range(1, 100).Select(i => PreKey.Generate((uint)i)));
        var pk = keys.Get(42);

        // Our legacy bundle: the Curve25519 form of the identity and the legacy signature over 0x05 || spk, which carries
        // the Ed25519 sign bit in byte 63 (libsignal needs it to verify when the sign is 1). Keys go over as 0x05 || key.
        byte[] ik = CurveIdentity(own);
        byte[] spks = new byte[LegacySignedPreKey.SignatureSize];
        LegacySignedPreKey.Sign(own, keys.Signed.PublicKey, spks);
        Assert.Equal(identitySign, spks[63] >> 7);
        peer.ProcessBundle(OurJid, OurDevice, Prefixed(ik), keys.Signed.Id, Prefixed(keys.Signed.PublicKey), spks, pk.Id,
            Prefixed(pk.PublicKey));

        var c = new PeerSide(peer, OurJid, OurDevice);
        var first = c.Send();
        Assert.True(first.Kex);
        var parsed = LegacyPreKeyWhisperMessage.Parse(first.Bytes); // libomemo-c's PreKeyWhisperMessage, read by our codec
        Assert.Equal(42u, parsed.PreKeyId);
        Assert.Equal(9u, parsed.SignedPreKeyId);
        Assert.Equal(peer.Bundle.IdentityKey[1..], parsed.IdentityKey);
        Assert.Equal(PeerDevice, parsed.RegistrationId); // libomemo-c puts its registration id (the device id) on the wire

        // A copy whose enclosed WhisperMessage has a flipped MAC bit builds no session. Field 4 is that message, and
        // its last byte the last MAC byte (offset + 1 for the version byte in front of the protobuf).
        byte[] badMac = FlipBit(first.Bytes, Field(first.Bytes.AsSpan(1), 4).End.Value, 0x01);
        Assert.ThrowsAny<OmemoException>(() => LegacySession.AcceptKeyExchange(own, keys, badMac, out _));

        using var session = LegacySession.AcceptKeyExchange(own, keys, first.Bytes, out byte[] keyMaterial);
        Assert.Equal(first.KeyMaterial, keyMaterial);
        Assert.False(session.IsInitiator);
        var engine = new LegacyEngineSide(session);
        Assert.False(engine.IsKeyExchangePending);
        engine.AssertBuiltFrom(parsed.IdentityKey, 42, 9);

        AnswerRepeatedKeyExchangesAndConverse(engine, c, output);
    }

    [Theory, BothIdentitySigns]
    public void Tampered_messages_are_refused_on_both_sides_without_changing_the_session(int identitySign)
    {
        if (!LibOmemoCRequirement.Peer(output, out string path)) return;
        using var peer = LibOmemoCPeer.Start(path, PeerDevice, preKeys: 5, version: LegacyVersion);
        using var own = IdentityWithSign(identitySign);
        using var session = LegacySession.Initiate(own, LegacyBundleOf(peer.Bundle));
        var engine = new LegacyEngineSide(session);
        var c = new PeerSide(peer, OurJid, OurDevice);
        c.Receive(engine.Send());

        // The peer's first reply opens a receiving chain (a DH ratchet step on our side), its second continues that
        // chain: both paths must check the MAC before committing anything (EngineSide.Refuse compares Serialize()).
        var opening = c.Send();
        var following = c.Send();
        Assert.True(session.IsKeyExchangePending);
        RefuseEveryTampering("peer, opening a chain", opening, engine.Refuse, engine);
        Assert.False(session.IsKeyExchangePending); // no tampered reply confirmed the session, the genuine one did
        RefuseEveryTampering("peer, same chain", following, engine.Refuse, engine);

        // The other way round libomemo-c answers ok:false; that its session is unchanged shows in the genuine message
        // decrypting afterwards. Again a new chain (our ratchet step) and a continued one.
        RefuseEveryTampering("engine, opening a chain", engine.Send(), c.Refuse, c);
        RefuseEveryTampering("engine, same chain", engine.Send(), c.Refuse, c);

        engine.Receive(c.Send());
        c.Receive(engine.Send());
    }

    /// <summary>
    /// Refuses every bit flip of <see cref="Tamperings"/> in <paramref name="genuine"/> through
    /// <paramref name="refuse"/> (which asserts the side's typed refusal), then delivers the genuine message.
    /// </summary>
    private void RefuseEveryTampering(string sender, Sent genuine, Func<Sent, Exception> refuse, ISide receiver)
    {
        Assert.False(genuine.Kex);
        foreach (var (what, bytes) in Tamperings(genuine.Bytes))
        {
            var e = refuse(genuine with { Bytes = bytes });
            output.WriteLine($"{sender}, {what}: {e.GetType().Name}: {e.Message}");
        }
        receiver.Receive(genuine);
    }

    /// <summary>
    /// Copies of a WhisperMessage (0x33 || protobuf {1 ratchetKey, 2 counter, 3 previousCounter, 4 ciphertext} ||
    /// 8-byte MAC) with one bit flipped in each part. Varints are flipped below bit 7 so they stay well-formed.
    /// </summary>
    private static (string What, byte[] Bytes)[] Tamperings(byte[] whisper)
    {
        Assert.Equal(LegacyWireFormat.VersionByte, whisper[0]);
        const int body = 1; // the protobuf starts after the version byte
        var protobuf = whisper.AsSpan(body, whisper.Length - body - LegacyWireFormat.MacSize);
        int key = body + Field(protobuf, 1).Start.Value, counter = body + Field(protobuf, 2).Start.Value;
        int previous = body + Field(protobuf, 3).Start.Value;
        Range ciphertext = Field(protobuf, 4);
        return
        [
            ("MAC first byte", FlipBit(whisper, ^LegacyWireFormat.MacSize, 0x01)),
            ("MAC last byte", FlipBit(whisper, ^1, 0x80)),
            ("counter bit 0", FlipBit(whisper, counter, 0x01)),
            ("counter bit 6 (skips 64 keys)", FlipBit(whisper, counter, 0x40)),
            ("previous counter", FlipBit(whisper, previous, 0x02)),
            ("ciphertext first byte", FlipBit(whisper, body + ciphertext.Start.Value, 0x01)),
            ("ciphertext last byte", FlipBit(whisper, body + ciphertext.End.Value - 1, 0x80)),
            ("ratchet key", FlipBit(whisper, key + 1, 0x01)), // + 1: past the 0x05 type byte
            ("version byte", FlipBit(whisper, 0, 0x01)),
        ];
    }

    /// <summary>
    /// The peer's v3 bundle as a <see cref="LegacyBundle"/>: its <c>&lt;ik&gt;</c> is libsignal's 33-byte
    /// 0x05 || Curve25519 form, and LegacyBundle holds raw 32-byte keys (the XML layer strips the type byte).
    /// </summary>
    private static LegacyBundle LegacyBundleOf(LibOmemoCBundle b)
    {
        Assert.Equal(LegacyVersion, b.Version);
        Assert.Equal(b.IdentityKeyCurve, b.IdentityKey);
        Assert.Equal(LegacyWireFormat.KeyPrefix, b.IdentityKey[0]);
        return new LegacyBundle(b.IdentityKey[1..], b.SignedPreKeyId, b.SignedPreKey, b.SignedPreKeySignature,
            [.. b.PreKeys.Select(p => new PreKeyPublic(p.Id, p.PublicKey))]);
    }

    /// <summary>Our identity's Curve25519 form, the one legacy OMEMO transfers.</summary>
    private static byte[] CurveIdentity(IdentityKeyPair own)
    {
        byte[] curve = new byte[X25519.KeySize];
        Assert.True(KeyConversion.TryEd25519PublicKeyToCurve25519(own.PublicKey, curve));
        return curve;
    }

    private static byte[] Prefixed(byte[] key) => [LegacyWireFormat.KeyPrefix, .. key];

    private sealed class LegacyEngineSide(LegacySession session) : EngineSide(LegacyPayload.KeyMaterialSize)
    {
        public override bool IsKeyExchangePending => session.IsKeyExchangePending;

        protected override byte[] Encrypt(byte[] keyMaterial) => session.Encrypt(keyMaterial);

        protected override byte[] Decrypt(byte[] message) => session.Decrypt(message);

        // Message is the enclosed WhisperMessage byte for byte, as the MAC covers it.
        protected override byte[] InnerMessage(byte[] keyExchange)
        {
            var kex = LegacyPreKeyWhisperMessage.Parse(keyExchange);
            Assert.True(session.IsSameKeyExchange(kex));
            return kex.Message;
        }

        protected override byte[] Serialize() => session.Serialize();

        protected override (byte[], uint, uint) KeyExchange
            => (session.PeerIdentityKey.ToArray(), session.UsedPreKeyId, session.UsedSignedPreKeyId);
    }
}
