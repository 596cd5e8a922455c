using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Ratchet.Legacy;
using Omemo.Sessions.Legacy;
using Omemo.Wire.Legacy;
using Omemo.X3dh;
using Omemo.Xml.Legacy;
using Xunit.Abstractions;

namespace Omemo.InteropTests.Python;

/// <summary>
/// Legacy OMEMO 0.3 (eu.siacs.conversations.axolotl) known answers made by python-oldmemo at test time
/// (make_legacy_vectors.py, deterministic): the engine restores both parties from their exported keys and proves that
/// it computes python's X3DH shared secret and associated data, that its sessions produce every one of python's
/// PreKeyWhisperMessages and WhisperMessages byte for byte (python's ephemeral and ratchet keys given to it), that it
/// decrypts every python message to the recorded key material and text in the vector's order (out-of-order delivery
/// across chains, skipped keys, empty messages), that it refuses every tampered or replayed form with the
/// <see cref="OmemoException"/> subclass python's refusal maps to and leaves its state exactly as it was, and that a
/// stanza from python-omemo's real SessionManager decrypts.
/// </summary>
public sealed class PythonLegacyVectorTests(ITestOutputHelper output, LegacyVectorFixture fixture) : IClassFixture<LegacyVectorFixture>
{
    private LegacyVectors? Vectors()
    {
        if (!PythonLegacyRequirement.Available(output)) return null;
        var v = fixture.Vectors;
        output.WriteLine($"{v.Description} (generator: {string.Join(", ", v.Generator.Select(g => $"{g.Key} {g.Value}"))})");
        return v;
    }

    [Fact]
    public void Party_keys_bundles_and_device_lists_agree_with_the_engine()
    {
        if (Vectors() is not { } v) return;
        foreach (var party in new[] { v.Alice, v.Bob, v.Stanza.Sender, v.Stanza.Receiver })
        {
            string who = party.Jid;
            using var identity = IdentityKeyPair.FromSeed(party.IdentitySeed);
            Assert.Equal(party.IdentityEd25519, identity.PublicKey.ToArray());
            Assert.Equal(party.IdentitySignBit, party.IdentityEd25519[31] >> 7);
            byte[] curve = new byte[32];
            Assert.True(KeyConversion.TryEd25519PublicKeyToCurve25519(party.IdentityEd25519, curve), who);
            Assert.Equal(party.IdentityCurve25519, curve);
            if (party.IdentityPrivate.Length > 0)
            {
                byte[] scalar = new byte[32];
                KeyConversion.Ed25519SeedToCurve25519(party.IdentitySeed, scalar);
                Assert.Equal(party.IdentityPrivate, scalar);
            }

            // The bundle as published: the Curve25519 identity, a signature the engine verifies as libsignal does, and
            // the Ed25519 identity (sign bit included) recovered from the signature's byte 63.
            var bundle = LegacyBundleXml.Parse(party.BundleXml);
            Assert.Equal(party.IdentityCurve25519, bundle.IdentityKey);
            Assert.True(LegacySignedPreKey.Verify(bundle.IdentityKey, bundle.SignedPreKey, bundle.SignedPreKeySignature), who);
            Assert.Equal(party.IdentityEd25519, LegacySignedPreKey.Ed25519Identity(bundle.IdentityKey, bundle.SignedPreKeySignature));
            Assert.Equal([party.DeviceId], LegacyDeviceListXml.Parse(party.DeviceListXml));
            if (party.SignedPreKey is { } spk)
            {
                Assert.Equal(spk.PublishedSignature, bundle.SignedPreKeySignature);
                Assert.Equal(spk.Id, bundle.SignedPreKeyId);
                Assert.Equal(spk.Public, new SignedPreKey(spk.Id, spk.Private, spk.Signature, DateTimeOffset.UnixEpoch).PublicKey);
                Assert.Equal(spk.Public, bundle.SignedPreKey);
                Assert.Equal(spk.Signature[..63], spk.PublishedSignature[..63]);
                Assert.Equal(spk.Signature[63] | (party.IdentitySignBit << 7), spk.PublishedSignature[63]);
            }
            foreach (var pk in party.PreKeys) Assert.Equal(pk.Public, new PreKey(pk.Id, pk.Private).PublicKey);
        }
        // alice's and bob's bundles hold every exported pre-key (they were published before any key exchange).
        foreach (var party in new[] { v.Alice, v.Bob })
        {
            var published = LegacyBundleXml.Parse(party.BundleXml).PreKeys.Select(p => (p.Id, Convert.ToHexString(p.PublicKey))).Order();
            Assert.Equal(party.PreKeys.Select(p => (p.Id, Convert.ToHexString(p.Public))).Order(), published);
        }
        Assert.NotEqual(v.Alice.IdentitySignBit, v.Bob.IdentitySignBit);
    }

    [Fact]
    public void X3dh_shared_secret_and_associated_data_equal_python()
    {
        if (Vectors() is not { } v) return;
        var x = v.X3dh;
        Assert.Equal(("alice", "bob"), (x.Initiator, x.Responder));
        using var alice = IdentityKeyPair.FromSeed(v.Alice.IdentitySeed);
        using var bob = IdentityKeyPair.FromSeed(v.Bob.IdentitySeed);
        var spk = v.Bob.SignedPreKey!;
        Assert.Equal(x.SignedPreKeyId, spk.Id);
        Assert.Contains(v.Bob.PreKeys, p => p.Id == x.PreKeyId && p.Public.AsSpan().SequenceEqual(x.PreKeyPublic) && p.Private.AsSpan().SequenceEqual(x.PreKeyPrivate));
        byte[] ephemeralPublic = new byte[32];
        X25519.DerivePublicKey(x.EphemeralPrivate, ephemeralPublic);
        Assert.Equal(x.EphemeralPublic, ephemeralPublic);

        int adSize = X3dhAgreement<LegacyProfile>.AssociatedDataSize;
        byte[] secretA = new byte[32], adA = new byte[adSize], secretB = new byte[32], adB = new byte[adSize];
        X3dhAgreement<LegacyProfile>.Initiate(alice, v.Bob.IdentityCurve25519, spk.Public, x.PreKeyPublic, x.EphemeralPrivate, secretA, adA);
        X3dhAgreement<LegacyProfile>.Respond(bob, v.Alice.IdentityCurve25519, x.EphemeralPublic, spk.Private, x.PreKeyPrivate, secretB, adB);
        Assert.Equal(x.SharedSecret, secretA);
        Assert.Equal(x.SharedSecret, secretB);
        Assert.Equal(x.AssociatedData, adA);
        Assert.Equal(x.AssociatedData, adB);
        Assert.Equal([0x05, .. v.Alice.IdentityCurve25519, 0x05, .. v.Bob.IdentityCurve25519], adA);
        Assert.Equal([.. x.AssociatedData[33..], .. x.AssociatedData[..33]], x.AssociatedDataBobSends);

        // The sessions MAC what they send with sender || receiver, as python does for each direction.
        var first = v.Messages[0];
        using var session = LegacySession.Initiate(alice, LegacyBundleXml.Parse(v.Bob.BundleXml), x.PreKeyId, x.EphemeralPrivate,
            v.RatchetKeyDrawn("alice", first.Event)!.Private);
        Assert.Equal(x.AssociatedData, session.Core.SendingAssociatedData.ToArray());
        Assert.Equal(spk.Id, session.UsedSignedPreKeyId);
        Assert.Equal(x.PreKeyId, session.UsedPreKeyId);
        Assert.All(v.Messages, m => Assert.Equal(m.Sender == "alice" ? x.AssociatedData : x.AssociatedDataBobSends, m.MacAssociatedData));
    }

    [Fact]
    public void Engine_sessions_produce_every_python_message_byte_for_byte()
    {
        if (Vectors() is not { } v) return;
        using var replay = LegacyVectorReplay.Run(v);
        output.WriteLine(replay.Summary);
        Assert.Equal(v.Messages.Count, replay.Encrypted);
        Assert.Contains(v.Messages, m => m.IsPreKey);
        Assert.Contains(v.Messages, m => m.Empty);
        Assert.True(replay.EncryptMismatches.Count == 0,
            $"{replay.EncryptMismatches.Count} of {replay.Encrypted} engine messages differ from python's:\n" + string.Join("\n", replay.EncryptMismatches));
        Assert.Equal(v.Messages.Count, replay.Identical);
        Assert.True(replay.RatchetFailures.Count == 0, string.Join("\n", replay.RatchetFailures));
    }

    [Fact]
    public void Engine_decrypts_every_python_message_in_order_and_refuses_each_negative_case_unchanged()
    {
        if (Vectors() is not { } v) return;
        using var replay = LegacyVectorReplay.Run(v);
        output.WriteLine(replay.Summary);
        int positives = v.Events.Count(e => e.Expect is "plaintext" or "empty"), negatives = v.Events.Count(e => e.Expect == "error");
        Assert.Equal((positives, negatives), (replay.Positives, replay.Negatives));
        Assert.True(positives >= v.Messages.Count && negatives >= 15, $"{positives} positive, {negatives} negative events");
        // Every message is delivered at least once, so each of python's messages has been decrypted by the engine.
        Assert.Equal(v.Messages.Select(m => m.Id).Order(), v.Events.Where(e => e.Expect is "plaintext" or "empty").Select(e => e.Message).Distinct().Order());
        var failures = replay.DecryptFailures.Concat(replay.NegativeFailures).Concat(replay.RatchetFailures).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} event(s) failed:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void The_replay_fails_clearly_when_the_engine_asks_for_a_ratchet_key_python_did_not_draw()
    {
        if (Vectors() is not { } v) return;
        // bob's last key left out: his last DH ratchet step finds the source empty.
        var last = v.RatchetKeys.Last(k => k.Actor == "bob");
        var ranOut = Assert.Throws<LegacyRatchetKeyFeedException>(() => LegacyVectorReplay.Run(v with { RatchetKeys = [.. v.RatchetKeys.Where(k => k != last)] }));
        output.WriteLine(ranOut.Message);
        Assert.StartsWith($"event {last.Event} (bob: ", ranOut.Message);
        Assert.Contains("python drew no more keys for bob", ranOut.Message);

        // A DH ratchet step key of bob's recorded one event late: the engine asks for it where python drew none.
        var step = v.RatchetKeys.Where(k => k.Actor == "bob").Skip(1).First();
        var late = Assert.Throws<LegacyRatchetKeyFeedException>(() => LegacyVectorReplay.Run(v with
        {
            RatchetKeys = [.. v.RatchetKeys.Select(k => k == step ? k with { Event = k.Event + 1 } : k)],
        }));
        output.WriteLine(late.Message);
        Assert.StartsWith($"event {step.Event} (bob: ", late.Message);
        Assert.Contains($"bob's next key is from event {step.Event + 1}", late.Message);
    }

    /// <summary>
    /// python's refusal (exception chain and stage) → the Omemo.Errors types it stands for. KeyExchangeFailed does not
    /// say which key was missing; a replay from an older receiving chain is an authentication failure for
    /// python-doubleratchet (it keeps no old chains) and a duplicate for the engine (it remembers earlier ratchet keys).
    /// </summary>
    private static string[] EngineErrorsFor(string pythonError, string stage, bool replayOfDecrypted)
    {
        string[] chain = pythonError.Split(" <- ");
        if (stage == "parse") return ["MalformedMessage"];
        if (chain.Contains("DuplicateMessageException")) return ["DuplicateMessage"];
        if (chain.Contains("DoSProtectionException")) return ["TooManySkippedMessages"];
        if (chain.Contains("AuthenticationFailedException"))
            return replayOfDecrypted ? ["AuthenticationFailed", "DuplicateMessage"] : ["AuthenticationFailed"];
        if (chain[0] == "KeyExchangeFailed") return ["UnknownPreKey", "UnknownSignedPreKey"];
        return [];
    }

    [Fact]
    public void Python_refusals_map_to_the_expected_engine_error_types()
    {
        if (Vectors() is not { } v) return;
        var decrypted = new HashSet<int>();
        var mismatches = new List<string>();
        foreach (var e in v.Events.Where(e => !e.IsEncrypt))
        {
            if (e.Expect != "error")
            {
                decrypted.Add(e.Message);
                continue;
            }
            Assert.NotNull(e.PythonError);
            Assert.Contains(e.PythonStage, new[] { "parse", "decrypt" });
            bool replay = e.Wire is null && decrypted.Contains(e.Message);
            string[] allowed = EngineErrorsFor(e.PythonError!, e.PythonStage!, replay);
            output.WriteLine($"{e.Label}: python {e.PythonError} [{e.PythonStage}] -> {e.Error}");
            if (!allowed.Contains(e.Error)) mismatches.Add($"{e.Label}: python {e.PythonError} [{e.PythonStage}] maps to {string.Join("|", allowed)}, vector says {e.Error}");
            if (e.Wire is null && !replay) mismatches.Add($"{e.Label}: an untampered refusal that is not a replay");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        // Each engine error type the vectors can name occurs.
        Assert.Equal(["AuthenticationFailed", "DuplicateMessage", "MalformedMessage", "TooManySkippedMessages", "UnknownPreKey", "UnknownSignedPreKey"],
            v.Events.Where(e => e.Expect == "error").Select(e => e.Error!).Distinct().Order());
    }

    [Fact]
    public void Python_session_manager_stanza_decrypts_in_the_engine()
    {
        if (Vectors() is not { } v) return;
        var s = v.Stanza;
        output.WriteLine(s.Description);
        var element = LegacyEncryptedElement.Parse(s.EncryptedXml);
        Assert.Equal(s.Sender.DeviceId, element.SenderDeviceId);
        Assert.Equal(LegacyEncryptedElement.IvSize, element.Iv.Length);
        var key = Assert.Single(element.Keys);
        Assert.Equal(s.Receiver.DeviceId, key.DeviceId);
        Assert.True(key.IsPreKey);
        Assert.Same(key, element.FindKey(s.Receiver.DeviceId));

        // The sender's published data: its Ed25519 identity (sign bit 1) comes back from the legacy bundle.
        var senderBundle = LegacyBundleXml.Parse(s.Sender.BundleXml);
        Assert.Equal(1, s.Sender.IdentitySignBit);
        Assert.Equal(s.Sender.IdentityEd25519, LegacySignedPreKey.Ed25519Identity(senderBundle.IdentityKey, senderBundle.SignedPreKeySignature));
        Assert.Equal([s.Sender.DeviceId], LegacyDeviceListXml.Parse(s.Sender.DeviceListXml));
        var kex = LegacyPreKeyWhisperMessage.Parse(key.Data);
        Assert.Equal(s.Sender.IdentityCurve25519, kex.IdentityKey);
        Assert.Null(kex.RegistrationId);
        Assert.Equal(s.Receiver.PreKeys.Single().Id, kex.PreKeyId);
        Assert.Equal(s.Receiver.SignedPreKey!.Id, kex.SignedPreKeyId);

        // The whole message (key and payload) builds the receiver's session; the key material is python's.
        using (var receiver = new LegacyReplayParty(s.Receiver))
        {
            using var session = LegacySession.AcceptKeyExchangeMessage(receiver.Identity, receiver, key.Data, element.Payload, element.Iv, out byte[]? plaintext);
            Assert.Equal(s.Plaintext, plaintext);
            Assert.Equal(s.Sender.IdentityCurve25519, session.PeerIdentityKey.ToArray());
            Assert.False(session.IsInitiator);
            Assert.True(session.IsSameKeyExchange(kex));
            Assert.Equal(kex.PreKeyId, session.UsedPreKeyId);
            // The message inside the key exchange was consumed: decrypting it again is a duplicate, and the session is unchanged.
            byte[] state = session.Serialize();
            Assert.Throws<DuplicateMessageException>(() => session.DecryptMessage(kex.Message, element.Payload, element.Iv));
            Assert.Equal(state, session.Serialize());
        }
        using (var receiver = new LegacyReplayParty(s.Receiver))
        {
            using var session = LegacySession.AcceptKeyExchange(receiver.Identity, receiver, key.Data, out byte[] keyMaterial);
            Assert.Equal(s.KeyMaterial, keyMaterial);
            Assert.Equal(s.Plaintext, LegacyPayload.Decrypt(keyMaterial, element.Iv, element.Payload));
        }
        // A flipped payload byte fails the GCM tag and builds no session.
        using (var receiver = new LegacyReplayParty(s.Receiver))
        {
            byte[] tampered = [.. element.Payload!];
            tampered[0] ^= 1;
            Assert.Throws<AuthenticationFailedException>(() =>
                LegacySession.AcceptKeyExchangeMessage(receiver.Identity, receiver, key.Data, tampered, element.Iv, out _));
        }
    }
}
