using System.Security.Cryptography;
using System.Text;
using Omemo.Errors;
using Omemo.Ratchet;
using Omemo.Sessions.Legacy;
using Omemo.Wire.Legacy;
using Omemo.X3dh;
using Omemo.Xml.Legacy;

namespace Omemo.InteropTests.Python;

/// <summary>
/// Replays legacy_conversation.json with one engine <see cref="LegacySession"/> per party, in the vector's event
/// order: every encrypt event is done by the engine session of the sender and compared with python's bytes, every
/// decrypt event is done by the engine session of the recipient on python's bytes (tampered ones included). The
/// initiator's session starts with python's X3DH ephemeral key
/// (<see cref="LegacySession.Initiate(IdentityKeyPair, LegacyBundle, uint?, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>);
/// every ratchet key the engine needs (the initiator's first one, the responder's first one and each DH ratchet
/// step's) comes from the party's <see cref="LegacyRatchetKeyFeed"/>, which hands it the keys python drew at the same
/// events, so both engine sessions follow python's key schedule exactly and can reproduce all its messages.
/// </summary>
internal sealed class LegacyVectorReplay : IDisposable
{
    private readonly LegacyVectors _vectors;
    private readonly Dictionary<string, LegacyReplayParty> _parties;

    /// <summary>Engine messages that differ from python's bytes (with a field-by-field diagnosis).</summary>
    public List<string> EncryptMismatches { get; } = [];

    /// <summary>Positive decrypt events the engine got wrong.</summary>
    public List<string> DecryptFailures { get; } = [];

    /// <summary>Negative decrypt events the engine accepted, refused with another type, or refused but changed state.</summary>
    public List<string> NegativeFailures { get; } = [];

    /// <summary>Disagreements between python's and the engine's ratchet key draws (where each ran a DH ratchet step).</summary>
    public List<string> RatchetFailures { get; } = [];

    public int Encrypted { get; private set; }
    public int Identical { get; private set; }
    public int Positives { get; private set; }
    public int Negatives { get; private set; }
    public int SuppliedKeys { get; private set; }

    private LegacyVectorReplay(LegacyVectors vectors)
    {
        _vectors = vectors;
        _parties = new() { ["alice"] = new(vectors.Alice, new("alice", vectors.RatchetKeys)), ["bob"] = new(vectors.Bob, new("bob", vectors.RatchetKeys)) };
    }

    /// <summary>
    /// Replays every event. Throws <see cref="LegacyRatchetKeyFeedException"/> when the engine asks for a ratchet key
    /// python did not draw (none left, none at that event, or outside the party's events).
    /// </summary>
    public static LegacyVectorReplay Run(LegacyVectors vectors)
    {
        var replay = new LegacyVectorReplay(vectors);
        try
        {
            foreach (var key in vectors.RatchetKeys.Where(k => !replay._parties.ContainsKey(k.Actor)))
                throw new InvalidDataException($"a ratchet key of unknown party {key.Actor}");
            foreach (var e in vectors.Events)
            {
                var m = vectors.Messages[e.Message];
                if (m.Id != e.Message || (e.IsEncrypt ? m.Sender : m.Recipient) != e.Actor)
                    throw new InvalidDataException($"{e.Label}: inconsistent message {e.Message}");
                var party = replay._parties[e.Actor];
                party.RatchetKeys.Begin(e);
                bool succeeded = e.IsEncrypt ? replay.Encrypt(e, m) : replay.Decrypt(e, m);
                replay.Settle(e, party, party.RatchetKeys.End(succeeded));
            }
            foreach (var key in replay._parties.Values.SelectMany(p => p.RatchetKeys.Unused))
                replay.RatchetFailures.Add($"python drew a ratchet key for {key.Actor} at event {key.Event}; the engine never took it");
            return replay;
        }
        catch
        {
            replay.Dispose();
            throw;
        }
    }

    public string Summary =>
        $"{Encrypted} messages encrypted by the engine, {Identical} byte-identical to python's; {Positives} python messages "
        + $"decrypted, {Negatives} negative cases; {SuppliedKeys} python ratchet keys supplied to the engine, "
        + $"{_parties.Values.Sum(p => p.RatchetKeys.Throwaways)} throwaway keys to refused DH ratchet steps";

    /// <summary>After an event: python's keys the engine did not ask for, and the session's ratchet key is the last one it took.</summary>
    private void Settle(LegacyVectorEvent e, LegacyReplayParty party, LegacyRatchetKeyFeed.Outcome outcome)
    {
        foreach (var key in outcome.Missed)
            RatchetFailures.Add($"{e.Label}: python drew ratchet key {Hex(key.Public)} here, the engine ran no ratchet step");
        if (outcome.Taken.Count == 0) return;
        SuppliedKeys += outcome.Taken.Count;
        if (!party.Session!.Core.Ratchet.OwnRatchetPublicKey.SequenceEqual(outcome.Taken[^1].Public))
            RatchetFailures.Add($"{e.Label}: the engine took python's ratchet key {Hex(outcome.Taken[^1].Public)}, its session's ratchet key is {Hex(party.Session.Core.Ratchet.OwnRatchetPublicKey)}");
    }

    // ---- encrypt events ------------------------------------------------------------------------------------

    private bool Encrypt(LegacyVectorEvent e, LegacyVectorMessage m)
    {
        var party = _parties[e.Actor];
        if (party.Session is null)
        {
            if (e.Actor != _vectors.X3dh.Initiator)
            {
                EncryptMismatches.Add($"{e.Label}: the responder has no session to encrypt with");
                return false;
            }
            // The initiator's first ratchet key comes from the same source as its later ones.
            Span<byte> first = stackalloc byte[LegacyRatchetKeyFeed.KeySize];
            try
            {
                party.RatchetKeys.Source(first);
                var peer = _vectors.Party(m.Recipient);
                party.Adopt(LegacySession.Initiate(party.Identity, LegacyBundleXml.Parse(peer.BundleXml), _vectors.X3dh.PreKeyId,
                    _vectors.X3dh.EphemeralPrivate, first));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(first);
            }
            party.Session!.RatchetKeys = party.RatchetKeys.Source;
        }
        var session = party.Session!;
        Encrypted++;
        if (!session.Core.SendingAssociatedData.SequenceEqual(m.MacAssociatedData))
            EncryptMismatches.Add($"{e.Label}: MAC associated data {Hex(session.Core.SendingAssociatedData)}, python {Hex(m.MacAssociatedData)}");
        if (session.IsKeyExchangePending != m.IsPreKey)
            EncryptMismatches.Add($"{e.Label}: engine key exchange pending = {session.IsKeyExchangePending}, python sent a {(m.IsPreKey ? "PreKeyWhisperMessage" : "WhisperMessage")}");
        byte[] ours = session.Encrypt(m.Plaintext);
        if (ours.AsSpan().SequenceEqual(m.Wire)) Identical++;
        else EncryptMismatches.Add($"{e.Label}: message {m.Id} differs: {DescribeDifference(ours, m)}");
        return true;
    }

    private static string DescribeDifference(byte[] ours, LegacyVectorMessage m)
    {
        var parts = new List<string> { $"engine {Hex(ours)}", $"python {Hex(m.Wire)}" };
        try
        {
            byte[] whisper = ours;
            if (m.IsPreKey)
            {
                var a = LegacyPreKeyWhisperMessage.Parse(ours);
                var b = LegacyPreKeyWhisperMessage.Parse(m.Wire);
                if (a.PreKeyId != b.PreKeyId || a.SignedPreKeyId != b.SignedPreKeyId) parts.Add($"pre-key ids {a.PreKeyId}/{a.SignedPreKeyId} vs {b.PreKeyId}/{b.SignedPreKeyId}");
                if (!a.IdentityKey.SequenceEqual(b.IdentityKey)) parts.Add("identity key differs");
                if (!a.BaseKey.SequenceEqual(b.BaseKey)) parts.Add("base key differs");
                if (a.RegistrationId != b.RegistrationId) parts.Add($"registration id {a.RegistrationId} vs {b.RegistrationId}");
                whisper = a.Message;
            }
            var w = LegacyWhisperMessage.Parse(whisper);
            if (!w.RatchetKey.SequenceEqual(m.RatchetPublic)) parts.Add($"ratchet key {Hex(w.RatchetKey)} vs {Hex(m.RatchetPublic)}");
            if (w.Counter != m.Counter || w.PreviousCounter != m.PreviousCounter) parts.Add($"counter/previous {w.Counter}/{w.PreviousCounter} vs {m.Counter}/{m.PreviousCounter}");
            if (!w.Mac.SequenceEqual(m.Mac)) parts.Add($"MAC {Hex(w.Mac)} vs {Hex(m.Mac)}");
        }
        catch (OmemoException x)
        {
            parts.Add($"the engine's message does not parse: {x.Message}");
        }
        return string.Join("; ", parts);
    }

    // ---- decrypt events ------------------------------------------------------------------------------------

    /// <summary>Runs a decrypt event; true when the engine accepted the message.</summary>
    private bool Decrypt(LegacyVectorEvent e, LegacyVectorMessage m)
    {
        var party = _parties[e.Actor];
        byte[] before = party.Snapshot();
        (byte[] KeyMaterial, byte[]? Text)? outcome = null;
        Exception? error = null;
        try
        {
            outcome = Receive(party, m, e.Wire ?? m.Wire);
        }
        catch (Exception x) when (x is not (InvalidDataException or LegacyRatchetKeyFeedException))
        {
            error = x;
        }

        if (e.Expect == "error")
        {
            Negatives++;
            var expected = typeof(OmemoException).Assembly.GetType($"Omemo.Errors.{e.Error}Exception")
                ?? throw new InvalidDataException($"{e.Label}: no type Omemo.Errors.{e.Error}Exception");
            if (error is null) NegativeFailures.Add($"{e.Label}: accepted, expected {expected.Name}");
            else if (error.GetType() != expected) NegativeFailures.Add($"{e.Label}: {error.GetType().Name} ({error.Message}), expected {expected.Name}");
            if (!party.Snapshot().AsSpan().SequenceEqual(before)) NegativeFailures.Add($"{e.Label}: the refusal changed {e.Actor}'s state");
            return error is null;
        }
        if (e.Expect is not ("plaintext" or "empty")) throw new InvalidDataException($"{e.Label}: unknown expectation {e.Expect}");
        Positives++;
        if (outcome is not { } ok)
        {
            DecryptFailures.Add($"{e.Label}: refused with {error!.GetType().Name}: {error.Message}");
            return false;
        }
        if (!ok.KeyMaterial.AsSpan().SequenceEqual(m.Plaintext))
            DecryptFailures.Add($"{e.Label}: key material {Hex(ok.KeyMaterial)}, python encrypted {Hex(m.Plaintext)}");
        if ((e.Expect == "empty") != m.Empty || (m.Text is null ? ok.Text is not null : ok.Text is null || !ok.Text.AsSpan().SequenceEqual(m.Text)))
            DecryptFailures.Add($"{e.Label}: wrong content");
        if (!party.Session!.PeerIdentityKey.SequenceEqual(_vectors.Party(m.Sender).IdentityCurve25519))
            DecryptFailures.Add($"{e.Label}: the session's peer identity is not the sender's Curve25519 key");
        return true;
    }

    /// <summary>
    /// What python-omemo's SessionManager does with a received key: a PreKeyWhisperMessage of the session we built as
    /// responder is decrypted with it, any other builds a new session (its pre-key is deleted); a WhisperMessage needs
    /// the session. Returns the key material and the payload's plaintext (null for an empty message).
    /// </summary>
    private static (byte[], byte[]?) Receive(LegacyReplayParty party, LegacyVectorMessage m, byte[] wire)
    {
        if (!m.IsPreKey)
        {
            if (party.Session is null) throw new NoSessionException("no session with the sender");
            return DecryptWith(party.Session, m, wire);
        }
        var kex = LegacyPreKeyWhisperMessage.Parse(wire);
        if (party.Session is { IsInitiator: false } existing && existing.IsSameKeyExchange(kex)) return DecryptWith(existing, m, kex.Message);

        // The responder's first ratchet key and those of its later DH ratchet steps come from the party's feed.
        var session = LegacySession.AcceptKeyExchange(party.Identity, party, wire, party.RatchetKeys.Source, out byte[] keyMaterial);
        try
        {
            byte[]? text = Open(keyMaterial, m);
            party.PreKeys.Remove(session.UsedPreKeyId);
            party.Adopt(session);
            return (keyMaterial, text);
        }
        catch
        {
            if (!ReferenceEquals(session, party.Session)) session.Dispose();
            throw;
        }
    }

    private static (byte[], byte[]?) DecryptWith(LegacySession session, LegacyVectorMessage m, byte[] whisper)
    {
        byte[]? text = null;
        byte[] keyMaterial = session.Decrypt(whisper, material => text = Open(material, m));
        return (keyMaterial, text);
    }

    private static byte[]? Open(ReadOnlySpan<byte> keyMaterial, LegacyVectorMessage m) =>
        m.Text is null ? null : LegacyPayload.Decrypt(keyMaterial, m.Iv, m.Payload);

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public void Dispose()
    {
        foreach (var party in _parties.Values) party.Dispose();
    }
}

/// <summary>
/// One party's <see cref="RatchetKeySource"/>: hands the engine the ratchet keys python drew for that party, each at
/// the event python drew it in and in python's order there. The replay opens each of the party's events with
/// <see cref="Begin"/> and closes it with <see cref="End"/>; the keys handed out in between are taken for good only when
/// the event succeeded. The engine asks during a DH ratchet step before it knows whether the message authenticates
/// and throws the step away when it does not, so a failed decryption never uses up a key: the key stays with its
/// event. A refused event (a negative case) gets throwaway keys, as python's refused attempts drew from a stream of
/// their own that the vector does not record. The source throws <see cref="LegacyRatchetKeyFeedException"/> when the
/// engine asks outside the party's events, at an event where python drew no key, or for more keys than python drew there.
/// </summary>
internal sealed class LegacyRatchetKeyFeed
{
    public const int KeySize = 32;

    private readonly string _actor;
    private readonly List<LegacyVectorRatchetKey> _keys;
    private readonly HashSet<LegacyVectorRatchetKey> _taken = [], _missed = [];
    private readonly List<LegacyVectorRatchetKey> _handedOut = [];
    private LegacyVectorEvent? _event;
    private int _throwawaysThisEvent;

    public LegacyRatchetKeyFeed(string actor, IEnumerable<LegacyVectorRatchetKey> keys)
    {
        _actor = actor;
        _keys = [.. keys.Where(k => k.Actor == actor)];
        Source = Draw;
    }

    /// <summary>Throwaway keys handed out at refused events.</summary>
    public int Throwaways { get; private set; }

    /// <summary>The source to give the engine (the same delegate for every session of the party).</summary>
    public RatchetKeySource Source { get; }

    /// <summary>python's keys that no successful event took and that were not reported as missed.</summary>
    public IEnumerable<LegacyVectorRatchetKey> Unused => _keys.Where(k => !_taken.Contains(k) && !_missed.Contains(k));

    /// <summary>The keys a successful event took, and python's keys of that event the engine did not ask for.</summary>
    public sealed record Outcome(IReadOnlyList<LegacyVectorRatchetKey> Taken, IReadOnlyList<LegacyVectorRatchetKey> Missed);

    public void Begin(LegacyVectorEvent e)
    {
        if (_event is { } open) throw new InvalidOperationException($"{e.Label} begins while {open.Label} is open");
        if (e.Actor != _actor) throw new InvalidOperationException($"{e.Label} is not an event of {_actor}");
        _event = e;
        _handedOut.Clear();
        _throwawaysThisEvent = 0;
    }

    /// <summary>Closes the open event: when it succeeded (and is not a negative case), the keys handed out are taken.</summary>
    public Outcome End(bool succeeded)
    {
        var e = _event ?? throw new InvalidOperationException($"no event of {_actor} is open");
        _event = null;
        List<LegacyVectorRatchetKey> taken = [.. _handedOut];
        _handedOut.Clear();
        if (!succeeded || IsRefused(e)) return new([], []);
        _taken.UnionWith(taken);
        List<LegacyVectorRatchetKey> missed = [.. KeysAt(e).Skip(taken.Count)];
        _missed.UnionWith(missed);
        return new(taken, missed);
    }

    private static bool IsRefused(LegacyVectorEvent e) => e.Expect == "error";

    private IEnumerable<LegacyVectorRatchetKey> KeysAt(LegacyVectorEvent e) => _keys.Where(k => k.Event == e.Index);

    private void Draw(Span<byte> privateKey)
    {
        if (_event is not { } e)
            throw new LegacyRatchetKeyFeedException($"the engine asked {_actor}'s ratchet key source for a key outside {_actor}'s events");
        if (privateKey.Length != KeySize)
            throw new LegacyRatchetKeyFeedException($"{e.Label}: the engine asked for a {privateKey.Length}-byte ratchet key");
        if (IsRefused(e))
        {
            SHA256.HashData(Encoding.UTF8.GetBytes($"legacy replay throwaway ratchet key {_actor} {e.Index} {_throwawaysThisEvent++}"), privateKey);
            Throwaways++;
            return;
        }
        var here = KeysAt(e).ToList();
        if (_handedOut.Count >= here.Count)
        {
            var next = _keys.FirstOrDefault(k => k.Event > e.Index);
            throw new LegacyRatchetKeyFeedException(here.Count > 0
                ? $"{e.Label}: the engine asked for ratchet key {_handedOut.Count + 1} of {_actor} at this event, python drew only {here.Count} here"
                : $"{e.Label}: the engine asked for a new ratchet key of {_actor}, python drew none at this event ("
                    + (next is null ? $"python drew no more keys for {_actor})" : $"{_actor}'s next key is from event {next.Event})"));
        }
        var key = here[_handedOut.Count];
        key.Private.CopyTo(privateKey);
        _handedOut.Add(key);
    }
}

/// <summary>The engine asked a <see cref="LegacyRatchetKeyFeed"/> for a ratchet key python did not draw there.</summary>
internal sealed class LegacyRatchetKeyFeedException(string message) : Exception(message);

/// <summary>One vector party on the engine: its identity, signed pre-key, remaining pre-keys, ratchet keys and session.</summary>
internal sealed class LegacyReplayParty : IPreKeySource, IDisposable
{
    private readonly SignedPreKey? _signedPreKey;

    /// <param name="vector">The party's exported keys.</param>
    /// <param name="ratchetKeys">python's ratchet keys for the party (none: the engine must not ask for one).</param>
    public LegacyReplayParty(LegacyVectorParty vector, LegacyRatchetKeyFeed? ratchetKeys = null)
    {
        RatchetKeys = ratchetKeys ?? new(vector.Jid, []);
        Identity = IdentityKeyPair.FromSeed(vector.IdentitySeed);
        if (vector.SignedPreKey is { } s)
            _signedPreKey = new SignedPreKey(s.Id, s.Private, s.Signature, DateTimeOffset.FromUnixTimeSeconds(s.Timestamp));
        PreKeys = vector.PreKeys.ToDictionary(p => p.Id, p => new PreKey(p.Id, p.Private));
    }

    public IdentityKeyPair Identity { get; }
    public LegacyRatchetKeyFeed RatchetKeys { get; }
    public Dictionary<uint, PreKey> PreKeys { get; }
    public LegacySession? Session { get; private set; }

    public SignedPreKey? GetSignedPreKey(uint id) => _signedPreKey?.Id == id ? _signedPreKey : null;

    public PreKey? GetPreKey(uint id) => PreKeys.GetValueOrDefault(id);

    /// <summary>Installs <paramref name="session"/>, disposing the one it replaces.</summary>
    public void Adopt(LegacySession session)
    {
        if (!ReferenceEquals(Session, session)) Session?.Dispose();
        Session = session;
    }

    /// <summary>Everything a refused message must leave as it was: the serialized session and the pre-key ids.</summary>
    public byte[] Snapshot() =>
        [.. Session?.Serialize() ?? [], .. PreKeys.Keys.Order().SelectMany(BitConverter.GetBytes)];

    public void Dispose()
    {
        Session?.Dispose();
        Identity.Dispose();
    }
}
