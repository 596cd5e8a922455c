using System.Text.Json;

namespace Omemo.InteropTests.Python;

/// <summary>
/// Runs interop-tests/python/make_legacy_vectors.py once into a temporary directory (deleted afterwards) and reads
/// legacy_conversation.json (schema omemo-native/python-legacy-vectors/1, documented at the top of the script).
/// </summary>
public sealed class LegacyVectorFixture : IDisposable
{
    public const string Schema = "omemo-native/python-legacy-vectors/1";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "omemo-python-legacy-vectors-" + Guid.NewGuid().ToString("N"));
    private readonly Lazy<LegacyVectors> _vectors;

    public LegacyVectorFixture() => _vectors = new(Generate);

    /// <summary>The parsed vectors; throws with the generator's output when it failed.</summary>
    internal LegacyVectors Vectors => _vectors.Value;

    private LegacyVectors Generate()
    {
        var run = PythonRun.Execute([PythonPeer.LegacyVectorScriptPath, _directory], TimeSpan.FromMinutes(5));
        if (run.Failure("make_legacy_vectors.py") is { } failure) throw new InvalidOperationException(failure);
        string path = Path.Combine(_directory, "legacy_conversation.json");
        if (run.Stdout.Trim() != Path.GetFileName(path)) throw new InvalidOperationException($"make_legacy_vectors.py printed '{run.Stdout.Trim()}'");
        return LegacyVectors.Load(File.ReadAllText(path));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>legacy_conversation.json as typed records (byte strings decoded).</summary>
internal sealed record LegacyVectors(
    string Description, IReadOnlyDictionary<string, string> Generator,
    LegacyVectorParty Alice, LegacyVectorParty Bob, LegacyVectorX3dh X3dh,
    IReadOnlyList<LegacyVectorRatchetKey> RatchetKeys, IReadOnlyList<LegacyVectorMessage> Messages,
    IReadOnlyList<LegacyVectorEvent> Events, LegacyVectorStanza Stanza)
{
    public LegacyVectorParty Party(string name) => name switch
    {
        "alice" => Alice,
        "bob" => Bob,
        _ => throw new InvalidDataException($"unknown party {name}"),
    };

    /// <summary>The ratchet key python drew for <paramref name="actor"/> at event <paramref name="index"/>, if any.</summary>
    public LegacyVectorRatchetKey? RatchetKeyDrawn(string actor, int index) =>
        RatchetKeys.SingleOrDefault(k => k.Actor == actor && k.Event == index);

    public static LegacyVectors Load(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.Str("schema") != LegacyVectorFixture.Schema) throw new InvalidDataException($"unknown schema {root.Str("schema")}");
        var parties = root.GetProperty("parties");
        var x3dh = root.GetProperty("x3dh");
        var stanza = root.GetProperty("stanza");
        return new LegacyVectors(
            root.Str("description"),
            root.GetProperty("generator").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            LegacyVectorParty.From(parties.GetProperty("alice")), LegacyVectorParty.From(parties.GetProperty("bob")),
            new LegacyVectorX3dh(x3dh.Str("initiator"), x3dh.Str("responder"), x3dh.U32("signed_pre_key_id"), x3dh.U32("pre_key_id"),
                x3dh.Bytes("pre_key_private_b64"), x3dh.Bytes("pre_key_public_b64"), x3dh.Bytes("ephemeral_private_b64"),
                x3dh.Bytes("ephemeral_public_b64"), x3dh.Bytes("shared_secret_b64"), x3dh.Bytes("associated_data_b64"),
                x3dh.Bytes("associated_data_bob_sends_b64")),
            [.. root.GetProperty("ratchet_keys").EnumerateArray().Select(k =>
                new LegacyVectorRatchetKey(k.Str("actor"), k.GetProperty("event").GetInt32(), k.Bytes("private_b64"), k.Bytes("public_b64")))],
            [.. root.GetProperty("messages").EnumerateArray().Select(LegacyVectorMessage.From)],
            [.. root.GetProperty("events").EnumerateArray().Select(LegacyVectorEvent.From)],
            new LegacyVectorStanza(stanza.Str("description"), LegacyVectorParty.From(stanza.GetProperty("sender")),
                LegacyVectorParty.From(stanza.GetProperty("receiver")), stanza.Str("encrypted_xml"), stanza.Bytes("plaintext_b64"),
                stanza.Bytes("key_material_b64")));
    }
}

/// <summary>A party's keys and published data. The stanza's sender has no private pre-keys; its receiver one pre-key.</summary>
internal sealed record LegacyVectorParty(
    string Jid, uint DeviceId, byte[] IdentitySeed, byte[] IdentityPrivate, byte[] IdentityEd25519, byte[] IdentityCurve25519,
    int IdentitySignBit, LegacyVectorSignedPreKey? SignedPreKey, IReadOnlyList<LegacyVectorPreKey> PreKeys, string BundleXml, string DeviceListXml)
{
    public static LegacyVectorParty From(JsonElement e)
    {
        var preKeys = new List<LegacyVectorPreKey>();
        if (e.TryGetProperty("pre_keys", out var all)) preKeys.AddRange(all.EnumerateArray().Select(LegacyVectorPreKey.From));
        if (e.TryGetProperty("pre_key", out var one)) preKeys.Add(LegacyVectorPreKey.From(one));
        LegacyVectorSignedPreKey? spk = e.TryGetProperty("signed_pre_key", out var s)
            ? new LegacyVectorSignedPreKey(s.U32("id"), s.Bytes("private_b64"), s.Bytes("public_b64"), s.Bytes("signature_b64"),
                s.Bytes("published_signature_b64"), s.GetProperty("timestamp").GetInt64())
            : null;
        return new LegacyVectorParty(e.Str("jid"), e.U32("device_id"), e.Bytes("identity_seed_b64"),
            e.TryGetProperty("identity_private_b64", out _) ? e.Bytes("identity_private_b64") : [],
            e.Bytes("identity_ed25519_b64"), e.Bytes("identity_curve25519_b64"), e.GetProperty("identity_sign_bit").GetInt32(),
            spk, preKeys, e.Str("bundle_xml"), e.Str("devicelist_xml"));
    }
}

internal sealed record LegacyVectorSignedPreKey(uint Id, byte[] Private, byte[] Public, byte[] Signature, byte[] PublishedSignature, long Timestamp);

internal sealed record LegacyVectorPreKey(uint Id, byte[] Private, byte[] Public)
{
    public static LegacyVectorPreKey From(JsonElement e) => new(e.U32("id"), e.Bytes("private_b64"), e.Bytes("public_b64"));
}

internal sealed record LegacyVectorX3dh(
    string Initiator, string Responder, uint SignedPreKeyId, uint PreKeyId, byte[] PreKeyPrivate, byte[] PreKeyPublic,
    byte[] EphemeralPrivate, byte[] EphemeralPublic, byte[] SharedSecret, byte[] AssociatedData, byte[] AssociatedDataBobSends);

/// <summary>A Double Ratchet key pair python drew for <see cref="Actor"/> while processing event <see cref="Event"/>.</summary>
internal sealed record LegacyVectorRatchetKey(string Actor, int Event, byte[] Private, byte[] Public);

/// <summary>One encrypted message: the exact <c>&lt;key&gt;</c> bytes and what went into them.</summary>
internal sealed record LegacyVectorMessage(
    int Id, string Sender, string Recipient, int Event, bool IsPreKey, byte[] Wire, byte[] Whisper, byte[] Mac,
    byte[] RatchetPublic, uint Counter, uint PreviousCounter, byte[] MessageKey, byte[] MacAssociatedData, byte[] Plaintext,
    bool Empty, byte[]? Text, byte[]? Iv, byte[]? Payload)
{
    public static LegacyVectorMessage From(JsonElement m)
    {
        string kind = m.Str("kind");
        if (kind is not ("prekey" or "whisper")) throw new InvalidDataException($"message kind {kind}");
        var content = m.GetProperty("content");
        bool hasContent = content.ValueKind == JsonValueKind.Object;
        return new LegacyVectorMessage(m.GetProperty("id").GetInt32(), m.Str("sender"), m.Str("recipient"), m.GetProperty("event").GetInt32(),
            kind == "prekey", m.Bytes("wire_b64"), m.Bytes("whisper_b64"), m.Bytes("mac_b64"), m.Bytes("ratchet_public_b64"),
            m.U32("counter"), m.U32("previous_counter"), m.Bytes("message_key_b64"), m.Bytes("mac_associated_data_b64"),
            m.Bytes("plaintext_b64"), m.GetProperty("empty").GetBoolean(),
            hasContent ? content.Bytes("text_b64") : null, hasContent ? content.Bytes("iv_b64") : null,
            hasContent ? content.Bytes("payload_b64") : null);
    }
}

/// <summary>One step of the conversation. <see cref="Wire"/> is set when the delivered bytes were tampered with.</summary>
internal sealed record LegacyVectorEvent(
    int Index, string Actor, bool IsEncrypt, int Message, string Note, string? Expect, byte[]? Wire, string? Error,
    string? PythonError, string? PythonStage)
{
    public string Label => $"event {Index} ({Actor}: {Note})";

    public static LegacyVectorEvent From(JsonElement e)
    {
        string action = e.Str("action");
        if (action is not ("encrypt" or "decrypt")) throw new InvalidDataException($"event action {action}");
        return new LegacyVectorEvent(e.GetProperty("index").GetInt32(), e.Str("actor"), action == "encrypt", e.GetProperty("message").GetInt32(),
            e.Str("note"), e.OptStr("expect"), e.TryGetProperty("wire_b64", out _) ? e.Bytes("wire_b64") : null, e.OptStr("error"),
            e.OptStr("python_error"), e.OptStr("python_stage"));
    }
}

internal sealed record LegacyVectorStanza(
    string Description, LegacyVectorParty Sender, LegacyVectorParty Receiver, string EncryptedXml, byte[] Plaintext, byte[] KeyMaterial);

internal static class LegacyVectorJson
{
    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static string? OptStr(this JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    public static uint U32(this JsonElement e, string name) => e.GetProperty(name).GetUInt32();

    public static byte[] Bytes(this JsonElement e, string name) => Convert.FromBase64String(e.Str(name));
}
