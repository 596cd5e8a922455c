using System.Text;
using Omemo.Sessions;
using Omemo.Storage;
using Omemo.TrustPolicies;
using Omemo.Xml;
using Omemo.Xml.Legacy;
using Xunit.Abstractions;

namespace Omemo.InteropTests.Python;

/// <summary>
/// Our <see cref="SessionManager"/> and live python-omemo devices over a shared PEP (<see cref="PythonPepBridge"/>),
/// every stanza crossing as an XML string. Legacy only (EnableLegacyOmemo, EnableOmemo2 = false, python backend
/// oldmemo): a long conversation in both directions, started by either side, with replies (DH ratchet steps both
/// ways), bursts that make python-omemo send staleness heartbeats, out-of-order delivery, python's automatic
/// messages (outbox) and our automatic replies delivered to the other side, and replays that each side refuses.
/// Dual stack: our dual-stack manager and a dual-stack python peer pick OMEMO 2 in both directions, while a
/// legacy-only python peer gets the legacy element of the very same <see cref="SessionManager.EncryptAsync"/> call.
/// Deterministic in its choices for a seed (OMEMO_INTEROP_SEED varies it).
/// </summary>
public sealed class PythonLegacyLiveTests(ITestOutputHelper output)
{
    private const string EngineJid = "engine@omemo-native.example";
    private const string PythonJid = "python@python-oldmemo.example";
    private const uint PythonDeviceId = 4712;

    private static readonly SessionManagerOptions LegacyOnly = new() { EnableLegacyOmemo = true, EnableOmemo2 = false };
    private static readonly SessionManagerOptions DualStack = new() { EnableLegacyOmemo = true };

    private static int Seed(int salt) =>
        int.TryParse(Environment.GetEnvironmentVariable("OMEMO_INTEROP_SEED"), out int s) ? s + salt : 6007 * salt;

    [Fact]
    public Task Engine_initiates_long_legacy_conversation_with_python_oldmemo() => ConverseAsync(Seed(1), engineInitiates: true);

    [Fact]
    public Task Python_oldmemo_initiates_long_legacy_conversation_with_engine() => ConverseAsync(Seed(2), engineInitiates: false);

    /// <summary>A stanza in flight: its XML, the plaintext it carries (null: an empty message) and whether its key is a key exchange.</summary>
    private sealed record Stanza(int Seq, string Xml, byte[]? Expected, bool PreKey);

    private sealed class Stats
    {
        public int EngineSent, PythonSent, EngineDecrypted, PythonDecrypted, EmptyToEngine, EmptyToPython;
        public int PythonAutomatic, EngineAutomatic, Reordered, ReplaysRefusedByEngine, ReplaysRefusedByPython;
        public int Decrypted => EngineDecrypted + PythonDecrypted;
        public override string ToString() =>
            $"sent engine->python {EngineSent}, python->engine {PythonSent}; decrypted by python {PythonDecrypted}, by engine {EngineDecrypted}; "
            + $"empty to engine {EmptyToEngine}, to python {EmptyToPython}; automatic python {PythonAutomatic}, engine {EngineAutomatic}; "
            + $"reordered {Reordered}; replays refused by engine {ReplaysRefusedByEngine}, by python {ReplaysRefusedByPython}";
    }

    private async Task ConverseAsync(int seed, bool engineInitiates)
    {
        if (!PythonLegacyRequirement.Available(output)) return;
        output.WriteLine($"seed {seed} (set OMEMO_INTEROP_SEED to vary)");
        var random = new Random(seed);
        var stats = new Stats();
        using var bridge = new PythonPepBridge(EngineJid);
        using var python = PythonPeer.Start("python-oldmemo");
        var py = python.Init(PythonJid, [PythonPeer.OldmemoBackend], PythonDeviceId);
        Assert.Equal([PythonPeer.LegacyNamespace], py.Namespaces);
        Assert.NotNull(py.LegacyBundleXml);
        bridge.Follow(python);
        bridge.PublishPython(python);
        using var engine = await SessionManager.CreateAsync(new InMemoryOmemoStore(), bridge.TransportFor(EngineJid),
            BlindTrustBeforeVerificationPolicy.Instance, EngineJid, LegacyOnly);
        Assert.Equal([engine.DeviceId], LegacyDeviceListXml.Parse(python.DeviceListXml(EngineJid, PythonPeer.LegacyNamespace)));

        var toPython = new List<Stanza>();
        var toEngine = new List<Stanza>();
        var deliveredToPython = new List<Stanza>();
        var deliveredToEngine = new List<Stanza>();
        int seq = 0;
        byte[] Text(string who, int n) => Encoding.UTF8.GetBytes($"{who} legacy #{n} \u00e9t\u00e9 \u2603 <&> " + new string('q', random.Next(0, 150)));

        async Task EngineSends(byte[] plaintext)
        {
            var result = await engine.EncryptAsync([PythonJid], plaintext);
            Assert.Empty(result.Failures);
            Assert.Empty(result.Element.Keys); // legacy only: no OMEMO 2 key
            var element = result.LegacyElement ?? throw new Xunit.Sdk.XunitException("no legacy element for a legacy-only peer");
            var key = Assert.Single(element.Keys);
            Assert.Equal(PythonDeviceId, key.DeviceId);
            string xml = element.ToXml();
            Assert.DoesNotContain("prekey=\"false\"", xml);
            toPython.Add(new Stanza(++seq, xml, plaintext, key.IsPreKey));
            stats.EngineSent++;
        }

        void PythonSends(byte[] plaintext)
        {
            string xml = python.EncryptIn(PythonPeer.LegacyNamespace, plaintext, EngineJid);
            var key = LegacyEncryptedElement.Parse(xml).FindKey(engine.DeviceId) ?? throw new Xunit.Sdk.XunitException("python encrypted without a key for us");
            toEngine.Add(new Stanza(++seq, xml, plaintext, key.IsPreKey));
            stats.PythonSent++;
        }

        void CollectPythonOutbox()
        {
            foreach (var message in python.Outbox())
            {
                Assert.Equal((EngineJid, PythonPeer.LegacyNamespace), (message.ToJid, message.Namespace));
                var element = LegacyEncryptedElement.Parse(message.EncryptedXml);
                Assert.True(element.IsEmpty, "python-omemo's automatic messages are empty OMEMO messages");
                toEngine.Add(new Stanza(++seq, message.EncryptedXml, null, element.FindKey(engine.DeviceId)!.IsPreKey));
                stats.PythonAutomatic++;
            }
        }

        void DeliverToPython(Stanza s)
        {
            var (result, error) = python.TryDecrypt(EngineJid, s.Xml);
            if (error is not null)
                throw new Xunit.Sdk.XunitException($"python refused stanza #{s.Seq} (prekey {s.PreKey}): {error}\n{s.Xml}\n--- python stderr ---\n{python.Stderr}");
            Assert.Equal((PythonPeer.LegacyNamespace, engine.DeviceId), (result!.Namespace, result.SenderDeviceId));
            Assert.Equal(s.Expected, result.Plaintext);
            if (s.Expected is null) stats.EmptyToPython++;
            else stats.PythonDecrypted++;
            deliveredToPython.Add(s);
            CollectPythonOutbox();
            if (s.PreKey) bridge.PublishPython(python); // python-omemo replaced the used pre-key
        }

        async Task DeliverToEngine(Stanza s)
        {
            DecryptResult result;
            try
            {
                result = await engine.DecryptLegacyAsync(PythonJid, LegacyEncryptedElement.Parse(s.Xml));
            }
            catch (Exception e) when (e is Errors.OmemoException)
            {
                throw new Xunit.Sdk.XunitException($"engine refused python's stanza #{s.Seq} (prekey {s.PreKey}): {e.GetType().Name}: {e.Message}\n{s.Xml}");
            }
            Assert.False(result.IsDuplicate, $"stanza #{s.Seq} taken for a duplicate");
            Assert.Equal(new DeviceAddress(PythonJid, PythonDeviceId), result.Sender);
            Assert.Equal(s.PreKey, result.WasKeyExchange);
            Assert.Equal(s.Expected, result.Plaintext);
            Assert.Null(result.AutomaticReply);
            if (s.Expected is null) stats.EmptyToEngine++;
            else stats.EngineDecrypted++;
            deliveredToEngine.Add(s);
            if (result.LegacyAutomaticReply is { } reply)
            {
                // A completed key exchange or a heartbeat: an empty legacy message back to python.
                Assert.True(reply.IsEmpty);
                toPython.Add(new Stanza(++seq, reply.ToXml(), null, Assert.Single(reply.Keys).IsPreKey));
                stats.EngineAutomatic++;
            }
        }

        async Task Deliver(bool toPythonSide, bool reorder)
        {
            var queue = toPythonSide ? toPython : toEngine;
            if (queue.Count == 0) return;
            var s = InFlight.TakeNext(queue, random, reorder ? 3 : 0, ref stats.Reordered);
            if (toPythonSide) DeliverToPython(s);
            else await DeliverToEngine(s);
        }

        async Task Drain()
        {
            while (toPython.Count + toEngine.Count > 0)
            {
                await Deliver(toPythonSide: true, reorder: false);
                await Deliver(toPythonSide: false, reorder: false);
            }
        }

        // A replay of one of the last stanzas delivered: python refuses it, our manager recognises the duplicate quietly.
        async Task Replay(bool toPythonSide)
        {
            var pool = toPythonSide ? deliveredToPython : deliveredToEngine;
            if (pool.Count == 0) return;
            var s = pool[pool.Count - 1 - random.Next(Math.Min(pool.Count, 4))];
            if (toPythonSide)
            {
                python.RefuseReplay(EngineJid, s.Xml);
                stats.ReplaysRefusedByPython++;
            }
            else
            {
                var result = await engine.DecryptLegacyAsync(PythonJid, LegacyEncryptedElement.Parse(s.Xml));
                Assert.True(result.IsDuplicate, $"the engine accepted a replay of stanza #{s.Seq}");
                Assert.Null(result.Plaintext);
                Assert.Null(result.LegacyAutomaticReply);
                stats.ReplaysRefusedByEngine++;
            }
        }

        // ---- the session start: three key exchange messages, the second delivered first -------------------------
        for (int i = 0; i < 3; i++)
        {
            if (engineInitiates) await EngineSends(Text("engine", i));
            else PythonSends(Text("python", i));
        }
        var started = engineInitiates ? toPython : toEngine;
        Assert.All(started, s => Assert.True(s.PreKey));
        var second = started[1];
        started.RemoveAt(1);
        stats.Reordered++;
        if (engineInitiates)
        {
            DeliverToPython(second);
            Assert.True(stats.PythonAutomatic >= 1, "python-omemo answers a key exchange with an empty message");
        }
        else
        {
            await DeliverToEngine(second);
            Assert.True(stats.EngineAutomatic >= 1, "the engine answers a key exchange with an empty message");
        }

        // ---- the conversation ------------------------------------------------------------------------------------
        bool engineBurst = false, pythonBurst = false;
        for (int steps = 0; stats.Decrypted < 170 || !engineBurst || !pythonBurst; steps++)
        {
            Assert.True(steps < 10_000, "the conversation does not progress: " + stats);
            if (!engineBurst && stats.Decrypted >= 40)
            {
                // 60 from us in a row, delivered shuffled: python-omemo sends a staleness heartbeat (after 53).
                engineBurst = true;
                await Drain();
                int before = stats.PythonAutomatic;
                for (int i = 0; i < 60; i++) await EngineSends(Text("engine burst", i));
                foreach (var s in ShuffleOut(toPython)) DeliverToPython(s);
                Assert.True(stats.PythonAutomatic > before, "python-omemo sent no heartbeat after 60 messages");
                continue;
            }
            if (!pythonBurst && stats.Decrypted >= 110)
            {
                pythonBurst = true;
                await Drain();
                for (int i = 0; i < 60; i++) PythonSends(Text("python burst", i));
                foreach (var s in ShuffleOut(toEngine)) await DeliverToEngine(s);
                continue;
            }
            switch (random.Next(100))
            {
                case < 27: await EngineSends(Text("engine", stats.EngineSent)); break;
                case < 54: PythonSends(Text("python", stats.PythonSent)); break;
                case < 76: await Deliver(toPythonSide: true, reorder: true); break;
                case < 98: await Deliver(toPythonSide: false, reorder: true); break;
                case < 99: await Replay(toPythonSide: true); break;
                default: await Replay(toPythonSide: false); break;
            }
        }
        await Drain();
        // Each side refuses a replay at least once, and a last exchange runs on the settled sessions.
        await Replay(toPythonSide: true);
        await Replay(toPythonSide: false);
        await EngineSends(Encoding.UTF8.GetBytes("last from engine"));
        PythonSends(Encoding.UTF8.GetBytes("last from python"));
        Assert.False(toPython[^1].PreKey);
        Assert.False(toEngine[^1].PreKey);
        await Drain();
        var info = python.SessionInfo(EngineJid, engine.DeviceId, PythonPeer.LegacyNamespace);
        Assert.Equal(true, (bool?)info["exists"]);
        Assert.Equal(true, (bool?)info["confirmed"]);

        output.WriteLine(stats.ToString());
        output.WriteLine($"python session: {info.ToJsonString()}");
        Assert.True(stats.EngineDecrypted >= 60 && stats.PythonDecrypted >= 60, stats.ToString());
        Assert.True(stats.PythonAutomatic >= (engineInitiates ? 2 : 1) && stats.EmptyToEngine == stats.PythonAutomatic, stats.ToString());
        Assert.True(stats.EngineAutomatic >= (engineInitiates ? 0 : 1) && stats.EmptyToPython == stats.EngineAutomatic, stats.ToString());
        Assert.True(stats.Reordered >= 10 && stats.ReplaysRefusedByEngine >= 1 && stats.ReplaysRefusedByPython >= 1, stats.ToString());

        List<Stanza> ShuffleOut(List<Stanza> queue)
        {
            var all = queue.OrderBy(_ => random.Next()).ToList();
            stats.Reordered += all.Count;
            queue.Clear();
            return all;
        }
    }

    [Fact]
    public async Task Dual_stack_peers_choose_OMEMO_2_while_a_legacy_only_python_peer_gets_legacy_in_the_same_message()
    {
        if (!PythonLegacyRequirement.Available(output)) return;
        const string DualJid = "dual@python-omemo.example", OldJid = "old@python-oldmemo.example";
        var random = new Random(Seed(3));
        using var bridge = new PythonPepBridge(EngineJid);
        using var dual = PythonPeer.Start("python-dual");
        using var old = PythonPeer.Start("python-oldmemo");
        var d = dual.Init(DualJid, [PythonPeer.TwomemoBackend, PythonPeer.OldmemoBackend], 5101);
        var o = old.Init(OldJid, [PythonPeer.OldmemoBackend], 5102);
        Assert.Equal([PythonPeer.Omemo2Namespace, PythonPeer.LegacyNamespace], d.Namespaces);
        foreach (var peer in new[] { dual, old })
        {
            bridge.Follow(peer);
            bridge.PublishPython(peer);
        }
        var store = new InMemoryOmemoStore();
        using var engine = await SessionManager.CreateAsync(store, bridge.TransportFor(EngineJid),
            BlindTrustBeforeVerificationPolicy.Instance, EngineJid, DualStack);
        byte[] Text(string s) => Encoding.UTF8.GetBytes($"{s} \u2603 " + new string('m', random.Next(0, 80)));

        // Every automatic message a python peer sent (completions of our key exchanges), delivered to us.
        async Task DeliverOutbox(PythonPeer peer, string jid)
        {
            foreach (var message in peer.Outbox())
            {
                var result = message.Namespace == PythonPeer.LegacyNamespace
                    ? await engine.DecryptLegacyAsync(jid, LegacyEncryptedElement.Parse(message.EncryptedXml))
                    : await engine.DecryptAsync(jid, EncryptedElement.Parse(message.EncryptedXml));
                Assert.Null(result.Plaintext);
            }
        }

        for (int round = 0; round < 4; round++)
        {
            // To the dual-stack peer alone: OMEMO 2 only.
            byte[] toDual = Text($"engine to dual, round {round}");
            var alone = await engine.EncryptAsync([DualJid], toDual);
            Assert.Empty(alone.Failures);
            Assert.Null(alone.LegacyElement);
            Assert.Equal([d.DeviceId], alone.Element.Keys.Select(k => k.DeviceId));
            var atDual = dual.Decrypt(EngineJid, alone.Element.ToXml());
            Assert.Equal(PythonPeer.Omemo2Namespace, atDual.Namespace);
            Assert.Equal(toDual, atDual.Plaintext);
            await DeliverOutbox(dual, DualJid);

            // To both in one call: OMEMO 2 for the dual-stack peer, legacy for the legacy-only one, each only there.
            byte[] toBoth = Text($"engine to both, round {round}");
            var both = await engine.EncryptAsync([DualJid, OldJid], toBoth);
            Assert.Empty(both.Failures);
            Assert.Equal([d.DeviceId], both.Element.Keys.Select(k => k.DeviceId));
            var legacy = both.LegacyElement ?? throw new Xunit.Sdk.XunitException("no legacy element for the legacy-only peer");
            Assert.Equal([o.DeviceId], legacy.Keys.Select(k => k.DeviceId));
            Assert.Equal(round == 0, legacy.Keys[0].IsPreKey);
            Assert.Equal(toBoth, dual.Decrypt(EngineJid, both.Element.ToXml()).Plaintext);
            var atOld = old.Decrypt(EngineJid, legacy.ToXml());
            Assert.Equal(PythonPeer.LegacyNamespace, atOld.Namespace);
            Assert.Equal(toBoth, atOld.Plaintext);
            await DeliverOutbox(old, OldJid);
            await DeliverOutbox(dual, DualJid);

            // Back from the dual-stack peer with python-omemo's default priority: OMEMO 2 only.
            byte[] fromDual = Text($"dual to engine, round {round}");
            var sent = dual.EncryptPerNamespace(fromDual, null, EngineJid);
            Assert.Equal([PythonPeer.Omemo2Namespace], sent.XmlByNamespace.Keys);
            var decrypted = await engine.DecryptAsync(DualJid, EncryptedElement.Parse(sent.EncryptedXml));
            Assert.Equal(fromDual, decrypted.Plaintext);
            Assert.Null(decrypted.LegacyAutomaticReply);

            // Back from the legacy-only peer: legacy.
            byte[] fromOld = Text($"old to engine, round {round}");
            var oldSent = old.EncryptPerNamespace(fromOld, null, EngineJid);
            Assert.Equal([PythonPeer.LegacyNamespace], oldSent.XmlByNamespace.Keys);
            Assert.Equal(fromOld, (await engine.DecryptLegacyAsync(OldJid, LegacyEncryptedElement.Parse(oldSent.EncryptedXml))).Plaintext);
        }

        // One session per peer, each in the version it was reached with, on both sides.
        Assert.Equal([OmemoVersion.Omemo2], (await store.GetSessionsAsync(DualJid)).Select(s => s.Version));
        Assert.Equal([OmemoVersion.Legacy], (await store.GetSessionsAsync(OldJid)).Select(s => s.Version));
        Assert.Equal(false, (bool?)dual.SessionInfo(EngineJid, engine.DeviceId, PythonPeer.LegacyNamespace)["exists"]);
        Assert.Equal(true, (bool?)dual.SessionInfo(EngineJid, engine.DeviceId, PythonPeer.Omemo2Namespace)["confirmed"]);
        Assert.Equal(true, (bool?)old.SessionInfo(EngineJid, engine.DeviceId, PythonPeer.LegacyNamespace)["confirmed"]);
    }
}
