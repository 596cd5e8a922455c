using System.Text;
using Omemo.Errors;
using Omemo.Xml;
using Xunit.Abstractions;

namespace Omemo.InteropTests.Python;

/// <summary>
/// Our engine and a live python-omemo device hold one long conversation in both directions over a simulated network
/// that reorders, loses and duplicates stanzas, with replies (DH ratchet steps both ways), bursts that make
/// python-omemo send staleness heartbeats, and session replacement started by either side. Every stanza crosses as an
/// XML string; whatever python-omemo sends on its own (outbox) is delivered to our side like any other stanza.
/// </summary>
public sealed class PythonLiveTests(ITestOutputHelper output)
{
    private const string EngineJid = "engine@omemo-native.example";
    private const uint EngineDeviceId = 31337;
    private const string PythonJid = "python@python-omemo.example";
    private const uint PythonDeviceId = 4711;

    [Fact]
    public void Engine_we_initiate_long_conversation_with_python()
        => Converse(seed: Seed(1), engineInitiates: true);

    [Fact]
    public void Python_initiates_long_conversation_with_engine()
        => Converse(seed: Seed(2), engineInitiates: false);

    private static int Seed(int salt) =>
        int.TryParse(Environment.GetEnvironmentVariable("OMEMO_INTEROP_SEED"), out int s) ? s + salt : 7919 * salt;

    private sealed record Stanza(int Seq, string Xml, byte[]? Expected, int Epoch, bool Kex, bool FromPython);

    private sealed class Stats
    {
        public int EngineSent, PythonSent, EngineDecrypted, PythonDecrypted, EmptyToEngine, EmptyToPython;
        public int Lost, Reordered, DuplicatesRefusedByEngine, DuplicatesRefusedByPython, PythonAutomatic, Replacements;
        public override string ToString() =>
            $"content sent engine->python {EngineSent}, python->engine {PythonSent}; decrypted by python {PythonDecrypted}, by engine {EngineDecrypted}; "
            + $"empty messages to engine {EmptyToEngine}, to python {EmptyToPython}; python automatic {PythonAutomatic}; lost {Lost}; "
            + $"reordered {Reordered}; duplicates refused by engine {DuplicatesRefusedByEngine}, by python {DuplicatesRefusedByPython}; "
            + $"session replacements {Replacements}";
    }

    private void Converse(int seed, bool engineInitiates)
    {
        if (!PythonRequirement.Available(output)) return;
        output.WriteLine($"seed {seed} (set OMEMO_INTEROP_SEED to vary)");
        var random = new Random(seed);
        var stats = new Stats();
        using var python = PythonPeer.Start("python");
        using var engine = EngineDevice.Create(EngineJid, EngineDeviceId);
        var py = python.Init(PythonJid, PythonDeviceId);
        Assert.Equal(PythonDeviceId, py.DeviceId);

        // PEP: python learns our device list and bundle, we learn python's.
        python.AddPeerBundle(EngineJid, EngineDeviceId, engine.BundleXml());
        Assert.Equal([EngineDeviceId], python.SetDeviceList(EngineJid, engine.DeviceListXml()));
        Assert.Equal([PythonDeviceId], DeviceListXml.Parse(py.DeviceListXml).Select(d => d.Id).ToArray());
        engine.AddBundle(PythonJid, PythonDeviceId, py.BundleXml);
        Assert.Equal(py.IdentityKey, BundleXml.Parse(py.BundleXml).IdentityKey);

        var toPython = new List<Stanza>();
        var toEngine = new List<Stanza>();
        var deliveredToPython = new List<Stanza>();
        var deliveredToEngine = new List<Stanza>();
        int seq = 0, epoch = 0;

        string Text(bool fromPython, int n) =>
            $"{(fromPython ? "py" : "engine")} #{n} \u00e9\u2603 " + new string('z', random.Next(0, 200));

        void EngineSends(byte[]? plaintext)
        {
            var session = engine.Session(PythonJid, PythonDeviceId) ?? throw new InvalidOperationException("no engine session");
            bool kex = session.IsKeyExchangePending;
            string xml = plaintext is null
                ? engine.EncryptEmpty((PythonJid, PythonDeviceId))
                : engine.Encrypt(plaintext, (PythonJid, PythonDeviceId));
            Assert.DoesNotContain("kex=\"false\"", xml);
            Assert.Equal(kex, EncryptedElement.Parse(xml).FindKey(PythonJid, PythonDeviceId)!.IsKeyExchange);
            toPython.Add(new Stanza(++seq, xml, plaintext, epoch, kex, FromPython: false));
            if (plaintext is not null) stats.EngineSent++;
        }

        void PythonSends(byte[] plaintext)
        {
            string xml = python.Encrypt(plaintext, EngineJid);
            var key = EncryptedElement.Parse(xml).FindKey(EngineJid, EngineDeviceId) ?? throw new Xunit.Sdk.XunitException("python encrypted without a key for us");
            toEngine.Add(new Stanza(++seq, xml, plaintext, epoch, key.IsKeyExchange, FromPython: true));
            stats.PythonSent++;
        }

        void CollectPythonOutbox()
        {
            foreach (var message in python.Outbox())
            {
                Assert.Equal(EngineJid, message.ToJid);
                var element = EncryptedElement.Parse(message.EncryptedXml);
                Assert.True(element.IsEmpty, "python-omemo's automatic messages are empty OMEMO messages");
                var key = element.FindKey(EngineJid, EngineDeviceId)!;
                toEngine.Add(new Stanza(++seq, message.EncryptedXml, null, epoch, key.IsKeyExchange, FromPython: true));
                stats.PythonAutomatic++;
            }
        }

        void DeliverToPython(Stanza s)
        {
            var (result, error) = python.TryDecrypt(EngineJid, s.Xml);
            if (error is not null)
                throw new Xunit.Sdk.XunitException($"python refused stanza #{s.Seq} (epoch {s.Epoch}, kex {s.Kex}): {error}\n{s.Xml}\n--- python stderr ---\n{python.Stderr}");
            Assert.Equal(EngineDeviceId, result!.SenderDeviceId);
            if (s.Expected is null) { Assert.Null(result.Plaintext); stats.EmptyToPython++; }
            else { Assert.Equal(s.Expected, result.Plaintext); stats.PythonDecrypted++; }
            deliveredToPython.Add(s);
            CollectPythonOutbox();
        }

        void DeliverToEngine(Stanza s)
        {
            EngineDecrypted result;
            try
            {
                result = engine.Decrypt(PythonJid, s.Xml);
            }
            catch (Exception e) when (e is OmemoException or NotForUsException)
            {
                throw new Xunit.Sdk.XunitException($"engine refused python's stanza #{s.Seq} (epoch {s.Epoch}, kex {s.Kex}): {e.GetType().Name}: {e.Message}\n{s.Xml}");
            }
            Assert.Equal(PythonDeviceId, result.SenderDeviceId);
            Assert.True(result.Session.PeerIdentityKey.SequenceEqual(py.IdentityKey));
            if (s.Expected is null) { Assert.Null(result.Plaintext); stats.EmptyToEngine++; }
            else { Assert.Equal(s.Expected, result.Plaintext); stats.EngineDecrypted++; }
            deliveredToEngine.Add(s);
            if (result.NewSession)
            {
                // As python-omemo does: republish the bundle without the used pre-key, and complete the key exchange
                // with an empty message.
                Assert.False(result.Session.IsInitiator);
                engine.Refill();
                python.AddPeerBundle(EngineJid, EngineDeviceId, engine.BundleXml());
                EngineSends(null);
            }
        }

        // Takes one in-flight stanza: usually the oldest, sometimes a later one (reordering).
        Stanza Take(List<Stanza> queue, bool allowReorder) => InFlight.TakeNext(queue, random, allowReorder ? 4 : 0, ref stats.Reordered);

        void DeliverOne(bool toPythonSide, bool chaos)
        {
            var queue = toPythonSide ? toPython : toEngine;
            if (queue.Count == 0) return;
            var s = Take(queue, chaos);
            // Loss: only plain (non-KEX) stanzas, so neither side is left without a session.
            if (chaos && !s.Kex && random.Next(25) == 0) { stats.Lost++; return; }
            if (toPythonSide) DeliverToPython(s); else DeliverToEngine(s);
        }

        void Drain()
        {
            while (toPython.Count > 0 || toEngine.Count > 0)
            {
                if (toPython.Count > 0) DeliverOne(toPythonSide: true, chaos: false);
                if (toEngine.Count > 0) DeliverOne(toPythonSide: false, chaos: false);
            }
        }

        void Duplicate(bool toPythonSide)
        {
            var pool = (toPythonSide ? deliveredToPython : deliveredToEngine).Where(s => s.Epoch == epoch).ToList();
            if (pool.Count == 0) return;
            var s = pool[random.Next(pool.Count)];
            if (toPythonSide)
            {
                python.RefuseReplay(EngineJid, s.Xml);
                stats.DuplicatesRefusedByPython++;
            }
            else
            {
                var e = Assert.ThrowsAny<OmemoException>(() => engine.Decrypt(PythonJid, s.Xml));
                Assert.IsType<DuplicateMessageException>(e);
                stats.DuplicatesRefusedByEngine++;
            }
        }

        // ---- the session start -----------------------------------------------------------------------------------
        if (engineInitiates)
        {
            engine.StartSession(PythonJid, PythonDeviceId);
            for (int i = 0; i < 3; i++) EngineSends(Encoding.UTF8.GetBytes(Text(false, i)));
            // Python gets the second KEX message first; each KEX it decrypts makes it send an empty message.
            DeliverToPython(Take2(toPython, 1));
        }
        else
        {
            PythonSends(Encoding.UTF8.GetBytes(Text(true, 0)));
            PythonSends(Encoding.UTF8.GetBytes(Text(true, 1)));
            DeliverToEngine(Take2(toEngine, 1));
        }

        // ---- the conversation ------------------------------------------------------------------------------------
        bool burstDone = false, pythonReplaced = false, engineReplaced = false;
        int steps = 0;
        while (stats.EngineDecrypted + stats.PythonDecrypted < 230 || !pythonReplaced || !engineReplaced)
        {
            Assert.True(++steps < 20_000, "the conversation does not progress: " + stats);
            int decrypted = stats.EngineDecrypted + stats.PythonDecrypted;

            if (!burstDone && decrypted >= 30)
            {
                // 60 messages from us in a row, delivered shuffled: python sends staleness heartbeats (after 53).
                burstDone = true;
                Drain();
                int automaticBefore = stats.PythonAutomatic;
                for (int i = 0; i < 60; i++) EngineSends(Encoding.UTF8.GetBytes(Text(false, 1000 + i)));
                var burst = toPython.ToList();
                toPython.Clear();
                foreach (var s in burst.OrderBy(_ => random.Next())) DeliverToPython(s);
                stats.Reordered += burst.Count;
                Assert.True(stats.PythonAutomatic > automaticBefore, "python-omemo sent no heartbeat after 60 messages");
                continue;
            }
            if (!pythonReplaced && decrypted >= 100)
            {
                pythonReplaced = true;
                Drain();
                python.ReplaceSession(EngineJid, EngineDeviceId);
                epoch++;
                stats.Replacements++;
                int before = toEngine.Count;
                CollectPythonOutbox();
                Assert.Equal(before + 1, toEngine.Count);
                Assert.True(toEngine[^1].Kex, "python's replacement notice is a key exchange");
                DeliverToEngine(Take2(toEngine, toEngine.Count - 1));
                Assert.True(deliveredToEngine[^1].Kex);
                continue;
            }
            if (!engineReplaced && decrypted >= 170)
            {
                engineReplaced = true;
                Drain();
                engine.StartSession(PythonJid, PythonDeviceId, python.BundleXml());
                epoch++;
                stats.Replacements++;
                EngineSends(Encoding.UTF8.GetBytes(Text(false, 5000)));
                DeliverToPython(Take2(toPython, toPython.Count - 1));
                continue;
            }

            switch (random.Next(100))
            {
                case < 26: EngineSends(Encoding.UTF8.GetBytes(Text(false, stats.EngineSent))); break;
                case < 52: PythonSends(Encoding.UTF8.GetBytes(Text(true, stats.PythonSent))); break;
                case < 54: EngineSends(null); break; // an empty OMEMO message (ratchet forwarding)
                case < 75: DeliverOne(toPythonSide: true, chaos: true); break;
                case < 96: DeliverOne(toPythonSide: false, chaos: true); break;
                case < 98: Duplicate(toPythonSide: true); break;
                default: Duplicate(toPythonSide: false); break;
            }
        }
        Drain();
        // A last exchange on the settled sessions: nothing is pending any more.
        EngineSends(Encoding.UTF8.GetBytes("last from engine"));
        PythonSends(Encoding.UTF8.GetBytes("last from python"));
        Drain();
        Assert.False(engine.Session(PythonJid, PythonDeviceId)!.IsKeyExchangePending);
        var info = python.SessionInfo(EngineJid, EngineDeviceId);
        Assert.Equal(true, (bool?)info["exists"]);

        output.WriteLine(stats.ToString());
        output.WriteLine($"engine pre-keys used: {string.Join(", ", engine.UsedPreKeys)}; python session: {info.ToJsonString()}");
        Assert.True(stats.EngineDecrypted + stats.PythonDecrypted >= 200, stats.ToString());
        Assert.True(stats.EngineDecrypted >= 60 && stats.PythonDecrypted >= 60, stats.ToString());
        Assert.True(stats.Replacements == 2 && stats.PythonAutomatic >= 3 && stats.Reordered >= 10, stats.ToString());
        Assert.True(stats.Lost >= 1 && stats.DuplicatesRefusedByEngine + stats.DuplicatesRefusedByPython >= 2, stats.ToString());
        Assert.True(stats.EmptyToEngine >= 2 && stats.EmptyToPython >= 2, stats.ToString());
    }

    private static Stanza Take2(List<Stanza> queue, int index)
    {
        var s = queue[index];
        queue.RemoveAt(index);
        return s;
    }
}
