using System.Reflection;
using System.Security.Cryptography;
using Omemo.Errors;
using Omemo.X3dh;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Omemo.InteropTests.LibOmemoC;

/// <summary>
/// Runs a theory with an <c>int identitySign</c> once for each sign bit (0, 1) of our identity's Ed25519 point:
/// libomemo-c's own identities always have 0, ours need not.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class BothIdentitySignsAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[0], [1]];
}

/// <summary>One message on its way between two sides, with the key material it must decrypt to.</summary>
internal sealed record Sent(bool Kex, byte[] Bytes, byte[] KeyMaterial);

/// <summary>One end of a conversation between the engine and the libomemo-c peer, in either OMEMO version.</summary>
internal interface ISide
{
    Sent Send();

    /// <summary>Decrypts and asserts the key material; throws when the side refuses the message.</summary>
    void Receive(Sent message);

    /// <summary>Asserts that the side refuses the message with its typed error (state unchanged).</summary>
    void ExpectRefused(Sent message);
}

/// <summary>
/// The engine's end of one session, for any session type: subclasses map the session's calls, this class does the
/// asserting. Every refusal also checks that the session's serialized state did not change.
/// </summary>
internal abstract class EngineSide(int keyMaterialSize) : ISide
{
    /// <summary>True while this side initiated and has not yet decrypted anything from the peer.</summary>
    public abstract bool IsKeyExchangePending { get; }

    protected abstract byte[] Encrypt(byte[] keyMaterial);

    /// <summary>Decrypts an authenticated message (OMEMOAuthenticatedMessage / WhisperMessage).</summary>
    protected abstract byte[] Decrypt(byte[] message);

    /// <summary>
    /// A key exchange for the session we already have (XEP-0384 4.3, libsignal alike): asserts it is this session's
    /// and returns the authenticated message inside, which is all that gets decrypted.
    /// </summary>
    protected abstract byte[] InnerMessage(byte[] keyExchange);

    protected abstract byte[] Serialize();

    /// <summary>The session's peer identity key and the responder's pre-key ids its key exchange used.</summary>
    protected abstract (byte[] PeerIdentityKey, uint PreKeyId, uint SignedPreKeyId) KeyExchange { get; }

    /// <summary>Asserts which key exchange built the session.</summary>
    public void AssertBuiltFrom(byte[] peerIdentityKey, uint preKeyId, uint signedPreKeyId)
    {
        var (ik, pk, spk) = KeyExchange;
        Assert.Equal(peerIdentityKey, ik);
        Assert.Equal((preKeyId, signedPreKeyId), (pk, spk));
    }

    public Sent Send()
    {
        byte[] km = RandomNumberGenerator.GetBytes(keyMaterialSize);
        bool kex = IsKeyExchangePending;
        return new Sent(kex, Encrypt(km), km);
    }

    public void Receive(Sent message) => Assert.Equal(message.KeyMaterial, Decrypt(Authenticated(message)));

    public void ExpectRefused(Sent message)
    {
        var e = Refuse(message);
        Assert.True(e is DuplicateMessageException or AuthenticationFailedException, e.GetType().Name);
    }

    /// <summary>Asserts that decrypting throws some <see cref="OmemoException"/> and leaves the state as it was.</summary>
    public OmemoException Refuse(Sent message)
    {
        byte[] before = Serialize();
        var e = Assert.ThrowsAny<OmemoException>(() => Decrypt(Authenticated(message)));
        Assert.Equal(before, Serialize());
        return e;
    }

    private byte[] Authenticated(Sent message) => message.Kex ? InnerMessage(message.Bytes) : message.Bytes;
}

/// <summary>The libomemo-c peer's end of its session with (<paramref name="remoteJid"/>, <paramref name="remoteDevice"/>).</summary>
internal sealed class PeerSide(LibOmemoCPeer peer, string remoteJid, uint remoteDevice) : ISide
{
    public LibOmemoCPeer Peer => peer;

    // OMEMO 0.3 carries 32 bytes of key material, OMEMO 2 48.
    private readonly int _keyMaterialSize = peer.Version == 3 ? 32 : 48;

    public Sent Send()
    {
        byte[] km = RandomNumberGenerator.GetBytes(_keyMaterialSize);
        var (kex, bytes) = peer.Encrypt(remoteJid, remoteDevice, km);
        return new Sent(kex, bytes, km);
    }

    public void Receive(Sent message)
        => Assert.Equal(message.KeyMaterial, peer.Decrypt(remoteJid, remoteDevice, message.Kex, message.Bytes));

    public void ExpectRefused(Sent message)
    {
        var e = Refuse(message);
        // SG_ERR_DUPLICATE_MESSAGE for a replay; a bad MAC is SG_ERR_INVALID_MESSAGE in libomemo-c ("Message mac not verified").
        Assert.True(e.Code is -1001 or -1005, e.Message);
    }

    /// <summary>Asserts that the peer answers <c>ok: false</c> (libomemo-c then leaves its session unchanged).</summary>
    public LibOmemoCPeerException Refuse(Sent message)
        => Assert.Throws<LibOmemoCPeerException>(() => peer.Decrypt(remoteJid, remoteDevice, message.Kex, message.Bytes));
}

/// <summary>An engine device's own signed pre-key and one-time pre-keys, as the responder looks them up.</summary>
internal sealed class InMemoryPreKeys(SignedPreKey signed, IEnumerable<PreKey> preKeys) : IPreKeySource
{
    private readonly Dictionary<uint, PreKey> _preKeys = preKeys.ToDictionary(p => p.Id);

    public SignedPreKey Signed { get; } = signed;

    public PreKey Get(uint id) => _preKeys[id];

    public SignedPreKey? GetSignedPreKey(uint id) => id == Signed.Id ? Signed : null;

    public PreKey? GetPreKey(uint id) => _preKeys.GetValueOrDefault(id);
}

/// <summary>What the engine-versus-libomemo-c tests of both OMEMO versions share.</summary>
internal static class LibOmemoCConversation
{
    public const int MessagesPerDirection = 150;
    public const string OurJid = "engine@example.org";
    public const uint OurDevice = 31337;
    public const string PeerJid = "libomemo-c@example.org";
    public const uint PeerDevice = 4711;

    /// <summary>A fresh identity whose Ed25519 public key has the given sign bit (libomemo-c's own are always 0).</summary>
    public static IdentityKeyPair IdentityWithSign(int sign)
    {
        for (;;)
        {
            var id = IdentityKeyPair.Generate();
            if (id.PublicKey[31] >> 7 == sign) return id;
            id.Dispose();
        }
    }

    /// <summary>
    /// The engine initiated: three key exchanges sent before any reply reach the peer in the order 2, 1, 3, the third
    /// one replayed is refused, and the peer used up exactly one one-time pre-key. Returns them in the order sent.
    /// </summary>
    public static IReadOnlyList<Sent> DeliverKeyExchangesOutOfOrder(EngineSide engine, PeerSide c)
    {
        int preKeys = c.Peer.PreKeyCount();
        var kx = Enumerable.Range(0, 3).Select(_ => engine.Send()).ToList();
        Assert.All(kx, m => Assert.True(m.Kex));
        c.Receive(kx[1]);
        c.Receive(kx[0]);
        c.Receive(kx[2]);
        c.ExpectRefused(kx[2]);
        Assert.Equal(preKeys - 1, c.Peer.PreKeyCount());
        return kx;
    }

    /// <summary>
    /// After <see cref="DeliverKeyExchangesOutOfOrder"/>: the peer's first reply confirms the engine's session (from
    /// then on it sends no key exchanges), and they <see cref="Converse"/>.
    /// </summary>
    public static void ConfirmAndConverse(EngineSide engine, PeerSide c, ITestOutputHelper output)
    {
        var reply = c.Send();
        Assert.False(reply.Kex);
        engine.Receive(reply);
        Assert.False(engine.IsKeyExchangePending);
        Converse(engine, c, output);
    }

    /// <summary>
    /// The peer initiated and the engine accepted its first key exchange: the peer repeats its key exchange until it
    /// hears from us; the third arrives before the second, whose replay is refused. Our reply confirms the peer's
    /// session (its next message is no key exchange), and they <see cref="Converse"/>.
    /// </summary>
    public static void AnswerRepeatedKeyExchangesAndConverse(EngineSide engine, PeerSide c, ITestOutputHelper output)
    {
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

    /// <summary>
    /// Rounds alternating direction with bursts of 1..7 messages; every third round is delivered in reverse, every
    /// fifth holds its first message back for two rounds (so it crosses DH ratchet steps); a copy of every burst's
    /// last message with one bit of its last byte flipped (OMEMO 2: ciphertext, OMEMO 0.3: MAC) is refused before the
    /// real one arrives, and every burst's first message is replayed and must be refused. Runs until each direction
    /// carried <see cref="MessagesPerDirection"/>.
    /// </summary>
    public static void Converse(ISide a, ISide b, ITestOutputHelper output)
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
            to.ExpectRefused(batch[^1] with { Bytes = FlipBit(batch[^1].Bytes, ^1, 0x01) });
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

    /// <summary>A copy of <paramref name="data"/> with <paramref name="mask"/> XORed into the byte at <paramref name="at"/>.</summary>
    public static byte[] FlipBit(byte[] data, Index at, byte mask)
    {
        byte[] copy = (byte[])data.Clone();
        copy[at] ^= mask;
        return copy;
    }

    /// <summary>
    /// Where the value of the first occurrence of protobuf field <paramref name="field"/> lies in
    /// <paramref name="message"/> (a varint's bytes, or a length-delimited field's payload), read with a minimal walker
    /// so that tests can address the peer's bytes exactly as it wrote them.
    /// </summary>
    public static Range Field(ReadOnlySpan<byte> message, int field)
    {
        int p = 0;
        while (p < message.Length)
        {
            ulong tag = Varint(message, ref p);
            int start = p;
            switch (tag & 7)
            {
                case 0:
                    Varint(message, ref p);
                    break;
                case 2:
                    int len = checked((int)Varint(message, ref p));
                    start = p;
                    p += len;
                    break;
                default:
                    throw new InvalidDataException($"unexpected wire type {tag & 7}");
            }
            if ((int)(tag >> 3) == field) return start..p;
        }
        throw new InvalidDataException($"no field {field} in the protobuf message");
    }

    private static ulong Varint(ReadOnlySpan<byte> d, ref int p)
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
