using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Sessions;
using Omemo.Sessions.Legacy;
using Omemo.Wire.Legacy;
using Omemo.X3dh;
using Omemo.Xml.Legacy;

namespace Omemo.Tests.Protocol.Legacy;

/// <summary>
/// <see cref="LegacySession"/> against itself: key exchange repeated until the reply, conversations with DH ratchet steps,
/// out-of-order delivery, state left unchanged by every failure, and the legacy signed pre-key signature for identities of
/// both Ed25519 signs. Byte-level agreement with python-oldmemo and libomemo-c is proven in the vector and interop tests.
/// </summary>
public sealed class LegacySessionTests
{
    internal static LegacyBundle LegacyBundleOf(TestDevice d) =>
        LegacySignedPreKey.CreateBundle(d.Identity, d.SignedPreKey, [.. d.Keys.PreKeys.Values.Select(p => p.ToPublic())]);

    private static (LegacySession A, LegacySession B) Establish(TestDevice alice, TestDevice bob)
    {
        LegacySession a = LegacySession.Initiate(alice.Identity, LegacyBundleOf(bob));
        byte[] km = ProtocolFixture.RandomKeyMaterial()[..32];
        byte[] kex = a.Encrypt(km);
        Assert.Equal(LegacyWireFormat.VersionByte, kex[0]);
        LegacySession b = LegacySession.AcceptKeyExchange(bob.Identity, bob.Keys, kex, out byte[] got);
        Assert.Equal(km, got);
        return (a, b);
    }

    [Fact]
    public void Conversation_with_ratchet_steps_and_reordering()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = Establish(alice, bob);
        using (a)
        using (b)
        {
            Assert.True(a.IsKeyExchangePending);
            byte[] second = a.Encrypt(new byte[32]);
            var repeated = LegacyPreKeyWhisperMessage.Parse(second);
            Assert.True(b.IsSameKeyExchange(repeated));
            Assert.Equal(new byte[32], b.Decrypt(repeated.Message));

            for (int round = 0; round < 6; round++)
            {
                LegacySession sender = round % 2 == 0 ? b : a, receiver = round % 2 == 0 ? a : b;
                var batch = Enumerable.Range(0, 5).Select(_ => ProtocolFixture.RandomKeyMaterial()[..32]).ToList();
                var wire = batch.Select(km => sender.Encrypt(km)).ToList();
                foreach (int i in new[] { 3, 0, 4, 1, 2 }) Assert.Equal(batch[i], receiver.Decrypt(wire[i]));
                Assert.Throws<DuplicateMessageException>(() => receiver.Decrypt(wire[2]));
            }
            Assert.False(a.IsKeyExchangePending);
            Assert.Equal(8, a.Encrypt(new byte[32])[^8..].Length);
        }
    }

    [Fact]
    public void The_initiator_reads_the_reply_only_with_sender_first_associated_data()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = Establish(alice, bob);
        byte[] reply = b.Encrypt(new byte[32]);
        var m = LegacyWhisperMessage.Parse(reply);
        // The reply's MAC covers bob || alice; the same message MACed alice || bob would not verify.
        Assert.Equal(new byte[32], a.Decrypt(reply));
        Assert.Equal(8, m.Mac.Length);
    }

    [Fact]
    public void Failures_leave_the_state_unchanged_and_every_bit_flip_is_rejected()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = Establish(alice, bob);
        byte[] msg = b.Encrypt(ProtocolFixture.RandomKeyMaterial()[..32]);
        byte[] before = a.Serialize();
        for (int bit = 0; bit < msg.Length * 8; bit++)
        {
            byte[] flipped = (byte[])msg.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.ThrowsAny<OmemoException>(() => a.Decrypt(flipped));
        }
        Assert.Equal(before, a.Serialize());
        a.Decrypt(msg);
        Assert.NotEqual(before, a.Serialize());
    }

    [Fact]
    public void State_round_trips_and_is_not_taken_for_an_OMEMO_2_session()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        var (a, b) = Establish(alice, bob);
        byte[] state = b.Serialize();
        using var restored = LegacySession.Deserialize(state);
        Assert.Equal(state, restored.Serialize());
        byte[] km = new byte[32];
        Random.Shared.NextBytes(km);
        Assert.Equal(km, a.Decrypt(restored.Encrypt(km)));
        Assert.Throws<MalformedMessageException>(() => OmemoSession.Deserialize(state));
        var (o, _) = ProtocolFixture.Establish(alice, bob);
        Assert.Throws<MalformedMessageException>(() => LegacySession.Deserialize(o.Serialize()));
    }

    [Fact]
    public void Bundle_signature_carries_the_identity_sign_bit_for_both_signs()
    {
        int[] seen = new int[2];
        for (int i = 0; i < 64 && (seen[0] == 0 || seen[1] == 0); i++)
        {
            using var d = new TestDevice(preKeys: 1);
            LegacyBundle bundle = LegacyBundleOf(d);
            int sign = d.Identity.PublicKey[31] >> 7;
            seen[sign]++;
            Assert.True(LegacySignedPreKey.Verify(bundle.IdentityKey, bundle.SignedPreKey, bundle.SignedPreKeySignature));
            Assert.Equal(d.Identity.PublicKey.ToArray(), LegacySignedPreKey.Ed25519Identity(bundle.IdentityKey, bundle.SignedPreKeySignature));
            byte[] bad = (byte[])bundle.SignedPreKeySignature.Clone();
            bad[63] ^= 0x80;
            Assert.False(LegacySignedPreKey.Verify(bundle.IdentityKey, bundle.SignedPreKey, bad));
            Assert.Throws<InvalidSignatureException>(() => LegacySession.Initiate(IdentityKeyPair.Generate(), bundle with { SignedPreKeySignature = bad }));
        }
        Assert.True(seen[0] > 0 && seen[1] > 0);
    }

    [Fact]
    public void Unknown_keys_and_missing_pre_keys_are_typed_errors()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        using LegacySession a = LegacySession.Initiate(alice.Identity, LegacyBundleOf(bob), preKeyId: 2);
        byte[] kex = a.Encrypt(new byte[32]);
        bob.Keys.PreKeys.Remove(2);
        Assert.Throws<UnknownPreKeyException>(() => LegacySession.AcceptKeyExchange(bob.Identity, bob.Keys, kex, out _));
        bob.Keys.SignedPreKeys.Clear();
        Assert.Throws<UnknownSignedPreKeyException>(() => LegacySession.AcceptKeyExchange(bob.Identity, bob.Keys, kex, out _));
        Assert.Throws<MissingPreKeyException>(() => LegacySession.Initiate(alice.Identity, LegacyBundleOf(bob) with { PreKeys = [] }));
    }
}
