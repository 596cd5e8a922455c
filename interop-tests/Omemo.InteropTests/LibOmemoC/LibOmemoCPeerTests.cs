using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.X3dh;
using Xunit.Abstractions;

namespace Omemo.InteropTests.LibOmemoC;

/// <summary>
/// The libomemo-c peer on its own, checked with the managed crypto core: its bundle is in XEP-0384 form, it accepts
/// bundles made by our X3dh key types, and two peers talk to each other through the harness.
/// </summary>
public sealed class LibOmemoCPeerTests(ITestOutputHelper output)
{
    [Fact]
    public void Bundle_is_in_XEP_form_and_verifies_with_the_managed_core()
    {
        if (!LibOmemoCRequirement.Peer(output, out string path)) return;
        using var peer = LibOmemoCPeer.Start(path, 4242, preKeys: 10, signedPreKeyId: 3, firstPreKeyId: 50);
        var b = peer.Bundle;

        Assert.Equal(32, b.IdentityKey.Length);
        Assert.Equal(33, b.IdentityKeyCurve.Length);
        Assert.Equal(0x05, b.IdentityKeyCurve[0]);
        Assert.Equal(3u, b.SignedPreKeyId);
        Assert.Equal(32, b.SignedPreKey.Length);
        Assert.Equal(Enumerable.Range(50, 10).Select(i => (uint)i), b.PreKeys.Select(p => p.Id));
        Assert.All(b.PreKeys, p => Assert.Equal(32, p.PublicKey.Length));

        // <ik> is the Ed25519 form of libsignal's Curve25519 identity (sign bit 0, as XEdDSA makes it).
        byte[] curve = new byte[32];
        Assert.True(KeyConversion.TryEd25519PublicKeyToCurve25519(b.IdentityKey, curve));
        Assert.Equal(b.IdentityKeyCurve[1..], curve);
        Assert.Equal(0, b.IdentityKey[31] & 0x80);

        // <spks>: an Ed25519 signature (made with XEdDSA) over the raw 32-byte spk, as XEP-0384 wants.
        Assert.True(Ed25519.Verify(b.IdentityKey, b.SignedPreKey, b.SignedPreKeySignature));
        Assert.True(XEdDsa.Verify(curve, b.SignedPreKey, b.SignedPreKeySignature));
        var bundle = new Bundle(b.IdentityKey, b.SignedPreKeyId, b.SignedPreKey, b.SignedPreKeySignature,
            [.. b.PreKeys.Select(p => new PreKeyPublic(p.Id, p.PublicKey))]);
        Assert.True(bundle.HasValidSignature());

        // The legacy signature is over 0x05 || spk and is not what OMEMO 2 publishes.
        byte[] legacyMessage = [0x05, .. b.SignedPreKey];
        Assert.True(Ed25519.Verify(b.IdentityKey, legacyMessage, b.LegacySignedPreKeySignature));
        Assert.False(Ed25519.Verify(b.IdentityKey, legacyMessage, b.SignedPreKeySignature));
    }

    [Fact]
    public void Accepts_bundles_made_by_our_key_types_with_either_sign_of_the_identity_and_refuses_bad_signatures()
    {
        if (!LibOmemoCRequirement.Peer(output, out string path)) return;
        using var peer = LibOmemoCPeer.Start(path, 7, preKeys: 0);
        var signsSeen = new HashSet<int>();
        uint device = 100;
        for (int i = 0; i < 64 && signsSeen.Count < 2 || i < 8; i++)
        {
            using var identity = IdentityKeyPair.Generate();
            var spk = SignedPreKey.Generate(identity, (uint)i + 1);
            var pk = PreKey.Generate((uint)i + 1000);
            byte[] ik = identity.PublicKey.ToArray();
            signsSeen.Add(ik[31] >> 7);

            peer.ProcessBundle("engine@example.org", device, ik, spk.Id, spk.PublicKey, spk.Signature, pk.Id, pk.PublicKey);
            Assert.True(peer.HasSession("engine@example.org", device));
            var (kex, message) = peer.Encrypt("engine@example.org", device, RandomNumberGenerator.GetBytes(48));
            Assert.True(kex);
            Assert.NotEmpty(message);
            device++;

            byte[] bad = (byte[])spk.Signature.Clone();
            bad[i % 64] ^= 0x10;
            var e = Assert.Throws<LibOmemoCPeerException>(() =>
                peer.ProcessBundle("engine@example.org", device, ik, spk.Id, spk.PublicKey, bad, pk.Id, pk.PublicKey));
            output.WriteLine($"bad signature refused: {e.Message}");
            Assert.False(peer.HasSession("engine@example.org", device));
            device++;
        }
        Assert.Equal(2, signsSeen.Count);
    }

    [Fact]
    public void Two_peers_round_trip_through_the_harness()
    {
        if (!LibOmemoCRequirement.Peer(output, out string path)) return;
        using var alice = LibOmemoCPeer.Start(path, 1001, preKeys: 5);
        using var bob = LibOmemoCPeer.Start(path, 2002, preKeys: 5, firstPreKeyId: 77);
        var b = bob.Bundle;
        var (pkId, pk) = b.PreKeys[2];
        alice.ProcessBundle("bob@example.org", 2002, b.IdentityKey, b.SignedPreKeyId, b.SignedPreKey, b.SignedPreKeySignature, pkId, pk);

        byte[] first = RandomNumberGenerator.GetBytes(48);
        var (kex, kexMessage) = alice.Encrypt("bob@example.org", 2002, first);
        Assert.True(kex);
        Assert.Equal(first, bob.Decrypt("alice@example.org", 1001, true, kexMessage));
        Assert.Equal(4, bob.PreKeyCount());

        for (int round = 0; round < 40; round++)
        {
            var (from, to, fromJid, fromDevice, toJid, toDevice) = round % 2 == 0
                ? (bob, alice, "bob@example.org", 2002u, "alice@example.org", 1001u)
                : (alice, bob, "alice@example.org", 1001u, "bob@example.org", 2002u);
            var batch = Enumerable.Range(0, 1 + round % 5).Select(_ =>
            {
                byte[] km = RandomNumberGenerator.GetBytes(48);
                var (k, m) = from.Encrypt(toJid, toDevice, km);
                Assert.False(k);
                return (km, m);
            }).ToList();
            if (round % 3 == 2) batch.Reverse();
            foreach (var (km, m) in batch) Assert.Equal(km, to.Decrypt(fromJid, fromDevice, false, m));

            var replay = Assert.Throws<LibOmemoCPeerException>(() => to.Decrypt(fromJid, fromDevice, false, batch[0].m));
            Assert.Equal(-1001, replay.Code); // SG_ERR_DUPLICATE_MESSAGE
        }
    }
}
