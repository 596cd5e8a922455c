using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Omemo.InteropTests.Python;

/// <summary>
/// A live python-omemo device: <c>/usr/bin/python3 interop-tests/python/omemo_peer.py</c>, one JSON request per line
/// on its stdin, one JSON response per line on its stdout (the protocol is documented at the top of the script).
/// Every request has a timeout; a failure message always carries the peer's recent stderr. Disposing asks the peer
/// to shut down and kills it if it does not exit.
/// </summary>
internal sealed class PythonPeer : IDisposable
{
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>OMEMO 2 (python-twomemo), the peer's default namespace.</summary>
    public const string Omemo2Namespace = "urn:xmpp:omemo:2";

    /// <summary>Legacy OMEMO 0.3 (python-oldmemo).</summary>
    public const string LegacyNamespace = "eu.siacs.conversations.axolotl";

    /// <summary>Backend names for <see cref="Init(string, IReadOnlyList{string}, uint?, string?)"/>.</summary>
    public const string TwomemoBackend = "twomemo", OldmemoBackend = "oldmemo";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private const int StderrKeep = 16_000;
    private readonly Process _process;
    private readonly BlockingCollection<string?> _lines = new();
    private readonly StringBuilder _stderr = new();
    private readonly Thread _reader;
    private int _nextId;
    private bool _broken;
    private bool _disposed;

    public string Name { get; }
    public TimeSpan Timeout { get; set; }

    /// <summary>Device id and public data returned by <see cref="Init(string, uint?, string?)"/> (or the overload with backends).</summary>
    public PeerIdentity? Identity { get; private set; }

    private PythonPeer(string name, Process process, TimeSpan timeout)
    {
        Name = name;
        _process = process;
        Timeout = timeout;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
                if (_stderr.Length > 4 * StderrKeep) _stderr.Remove(0, _stderr.Length - StderrKeep);
            }
        };
        _process.BeginErrorReadLine();
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"python-peer {name} stdout" };
        _reader.Start();
    }

    /// <summary>Starts a peer process. <paramref name="name"/> only labels messages.</summary>
    public static PythonPeer Start(string name, TimeSpan? timeout = null, string? logLevel = null)
    {
        ProcessStartInfo start = RepositoryPaths.PeerStartInfo(Interpreter);
        start.StandardErrorEncoding = Encoding.UTF8;
        start.WorkingDirectory = Path.GetDirectoryName(ScriptPath)!;
        start.ArgumentList.Add("-u");
        start.ArgumentList.Add(ScriptPath);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        if (logLevel is not null) start.Environment["OMEMO_PEER_LOG"] = logLevel;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Interpreter}");
        return new PythonPeer(name, process, timeout ?? DefaultTimeout);
    }

    // ---- locating the scripts --------------------------------------------------------------------------------

    /// <summary>The repository root: the first directory upwards holding Omemo.Native.sln, searched from the test
    /// binaries, the current directory and (for builds with --artifacts-path elsewhere) this source file.</summary>
    public static string RepositoryRoot => s_root.Value;

    public static string PythonDirectory => Path.Combine(RepositoryRoot, "interop-tests", "python");
    public static string ScriptPath => Path.Combine(PythonDirectory, "omemo_peer.py");
    public static string VectorScriptPath => Path.Combine(PythonDirectory, "make_vectors.py");
    public static string LegacyVectorScriptPath => Path.Combine(PythonDirectory, "make_legacy_vectors.py");

    private static readonly Lazy<string> s_root = new(() => FindRoot());

    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        var starts = new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.GetDirectoryName(sourceFile) ?? "" };
        foreach (var start in starts)
        {
            if (RepositoryPaths.FindRootFrom(start) is string root) return root;
        }
        throw new DirectoryNotFoundException($"{RepositoryPaths.SolutionFile} not found above any of: {string.Join(", ", starts)}");
    }

    // ---- raw protocol ----------------------------------------------------------------------------------------

    private void ReadLoop()
    {
        try
        {
            while (true)
            {
                string? line = _process.StandardOutput.ReadLine();
                _lines.Add(line);
                if (line is null) break;
            }
        }
        catch (Exception)
        {
            _lines.TryAdd(null);
        }
        finally
        {
            _lines.CompleteAdding();
        }
    }

    /// <summary>The last lines the peer wrote to stderr.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.Length <= StderrKeep ? _stderr.ToString() : _stderr.ToString(_stderr.Length - StderrKeep, StderrKeep);
            }
        }
    }

    /// <summary>Sends one request and returns the response object, whether it reports success or an error.
    /// Throws <see cref="PythonPeerException"/> when the process fails (exit, timeout, bad output).</summary>
    public JsonObject Send(string command, JsonObject? arguments = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_broken) throw Failure(command, "the peer is unusable after an earlier failure");
        var request = arguments?.DeepClone().AsObject() ?? new JsonObject();
        int id = ++_nextId;
        request["cmd"] = command;
        request["id"] = id;
        try
        {
            _process.StandardInput.WriteLine(request.ToJsonString());
            _process.StandardInput.Flush();
        }
        catch (IOException e)
        {
            _broken = true;
            throw Failure(command, $"writing the request failed ({e.Message})");
        }

        string? line;
        try
        {
            if (!_lines.TryTake(out line, Timeout))
            {
                _broken = true;
                if (_lines.IsCompleted) line = null; // stdout closed
                else throw Failure(command, $"no response within {Timeout.TotalSeconds:0} s");
            }
        }
        catch (InvalidOperationException) // completed: stdout closed
        {
            line = null;
        }
        if (line is null)
        {
            _broken = true;
            _process.WaitForExit(2000);
            string exit = _process.HasExited ? $"exited with status {_process.ExitCode}" : "closed its stdout";
            throw Failure(command, $"the peer {exit}");
        }

        JsonObject response;
        try
        {
            response = JsonNode.Parse(line)?.AsObject() ?? throw new JsonException("null");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            _broken = true;
            throw Failure(command, $"not a JSON object on stdout: {Truncate(line)} ({e.Message})");
        }
        if (response["id"]?.GetValue<int>() != id)
        {
            _broken = true;
            throw Failure(command, $"response id mismatch: {Truncate(line)}");
        }
        return response;
    }

    /// <summary>Sends a request that must succeed; a peer-reported error throws <see cref="PythonPeerException"/>
    /// with its type in <see cref="PythonPeerException.ErrorType"/>.</summary>
    public JsonObject Call(string command, JsonObject? arguments = null)
    {
        var response = Send(command, arguments);
        if (response["ok"]?.GetValue<bool>() == true) return response;
        throw new PythonPeerException(Name, command, ErrorOf(response), Stderr);
    }

    private static PeerError ErrorOf(JsonObject response) => new(
        (string?)response["error"] ?? "?", (string?)response["message"] ?? "",
        response["causes"]?.AsArray().Select(c => (string?)c ?? "?").ToArray() ?? [], (string?)response["stage"] ?? "");

    private PythonPeerException Failure(string command, string what) =>
        new(Name, command, new PeerError("PeerProcessFailure", what, [], "process"), Stderr);

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "...";

    // ---- typed commands --------------------------------------------------------------------------------------

    public PeerIdentity Init(string jid, uint? deviceId = null, string? label = null)
    {
        var args = new JsonObject { ["jid"] = jid };
        if (deviceId is not null) args["device_id"] = deviceId.Value;
        if (label is not null) args["label"] = label;
        return InitWith(jid, args);
    }

    /// <summary>Starts the device with the given python-omemo backends (<see cref="TwomemoBackend"/>,
    /// <see cref="OldmemoBackend"/>, or both; the first is the primary namespace and python-omemo's default encryption
    /// priority). <see cref="PeerIdentity.BundleXml"/>/<see cref="PeerIdentity.DeviceListXml"/> are the primary
    /// namespace's; the legacy ones are in <see cref="PeerIdentity.LegacyBundleXml"/>/<see cref="PeerIdentity.LegacyDeviceListXml"/>
    /// whenever oldmemo is loaded.</summary>
    public PeerIdentity Init(string jid, IReadOnlyList<string> backends, uint? deviceId = null, string? label = null)
    {
        var args = new JsonObject { ["jid"] = jid, ["backends"] = new JsonArray(backends.Select(b => (JsonNode?)b).ToArray()) };
        if (deviceId is not null) args["device_id"] = deviceId.Value;
        if (label is not null) args["label"] = label;
        return InitWith(jid, args);
    }

    private PeerIdentity InitWith(string jid, JsonObject args)
    {
        var r = Call("init", args);
        Identity = new PeerIdentity(jid, r["device_id"]!.GetValue<uint>(), Convert.FromBase64String((string)r["identity_key_b64"]!),
            (string)r["fingerprint"]!, (string)r["bundle_xml"]!, (string)r["devicelist_xml"]!)
        {
            Namespaces = r["namespaces"]?.AsArray().Select(n => (string)n!).ToArray() ?? [Omemo2Namespace],
            LegacyBundleXml = (string?)r["legacy_bundle_xml"],
            LegacyDeviceListXml = (string?)r["legacy_devicelist_xml"],
        };
        return Identity;
    }

    /// <summary>The peer's current bundle (python-omemo replaces used pre-keys after every key exchange).</summary>
    public string BundleXml() => (string)Call("bundle")["bundle_xml"]!;

    /// <summary>Our current bundle in <paramref name="ns"/> (<see cref="Omemo2Namespace"/> or <see cref="LegacyNamespace"/>).</summary>
    public string BundleXml(string ns) => (string)Call("bundle", new JsonObject { ["namespace"] = ns })["bundle_xml"]!;

    public string DeviceListXml(string? jid = null) =>
        (string)Call("devicelist", jid is null ? null : new JsonObject { ["jid"] = jid })["devicelist_xml"]!;

    /// <summary>The device list of <paramref name="jid"/> (default: own) in <paramref name="ns"/> as held by the fake PEP
    /// (legacy: &lt;list xmlns="eu.siacs.conversations.axolotl"&gt;).</summary>
    public string DeviceListXml(string? jid, string ns)
    {
        var args = new JsonObject { ["namespace"] = ns };
        if (jid is not null) args["jid"] = jid;
        return (string)Call("devicelist", args)["devicelist_xml"]!;
    }

    public void AddPeerBundle(string jid, uint deviceId, string bundleXml) =>
        Call("add_peer_bundle", new JsonObject { ["jid"] = jid, ["device_id"] = deviceId, ["bundle_xml"] = bundleXml });

    /// <summary>Publishes a remote bundle of namespace <paramref name="ns"/> in the fake PEP (legacy: node
    /// eu.siacs.conversations.axolotl.bundles:&lt;device id&gt;).</summary>
    public void AddPeerBundle(string jid, uint deviceId, string bundleXml, string ns) =>
        Call("add_peer_bundle", new JsonObject { ["jid"] = jid, ["device_id"] = deviceId, ["bundle_xml"] = bundleXml, ["namespace"] = ns });

    public uint[] SetDeviceList(string jid, string deviceListXml) =>
        Call("set_devicelist", new JsonObject { ["jid"] = jid, ["devicelist_xml"] = deviceListXml })["devices"]!
            .AsArray().Select(d => d!.GetValue<uint>()).ToArray();

    /// <summary>Publishes a device list of namespace <paramref name="ns"/> and feeds it to python-omemo (PEP push).</summary>
    public uint[] SetDeviceList(string jid, string deviceListXml, string ns) =>
        Call("set_devicelist", new JsonObject { ["jid"] = jid, ["devicelist_xml"] = deviceListXml, ["namespace"] = ns })["devices"]!
            .AsArray().Select(d => d!.GetValue<uint>()).ToArray();

    /// <summary>Encrypts for every device of the recipients; returns the &lt;encrypted&gt; element.</summary>
    public string Encrypt(byte[] plaintext, params string[] toJids)
    {
        var r = Call("encrypt", new JsonObject
        {
            ["to_jids"] = new JsonArray(toJids.Select(j => (JsonNode?)j).ToArray()),
            ["plaintext_b64"] = Convert.ToBase64String(plaintext),
        });
        var errors = r["errors"]!.AsArray();
        if (errors.Count > 0) throw new PythonPeerException(Name, "encrypt", new PeerError("EncryptionErrors", errors.ToJsonString(), [], "omemo"), Stderr);
        return (string)r["encrypted_xml"]!;
    }

    /// <summary>Encrypts with python-omemo's SessionManager.encrypt and returns every message it produced (one
    /// &lt;encrypted&gt; per namespace in use). <paramref name="namespaces"/> is python-omemo's backend priority order:
    /// each recipient device gets the first listed namespace it supports, devices supporting none are left out
    /// (<c>[LegacyNamespace]</c> forces legacy OMEMO); null = the order given to Init. Encryption errors throw.</summary>
    public PeerEncrypted EncryptPerNamespace(byte[] plaintext, IReadOnlyList<string>? namespaces, params string[] toJids)
    {
        var args = new JsonObject
        {
            ["to_jids"] = new JsonArray(toJids.Select(j => (JsonNode?)j).ToArray()),
            ["plaintext_b64"] = Convert.ToBase64String(plaintext),
        };
        if (namespaces is not null) args["namespaces"] = new JsonArray(namespaces.Select(n => (JsonNode?)n).ToArray());
        var r = Call("encrypt", args);
        var errors = r["errors"]!.AsArray();
        if (errors.Count > 0) throw new PythonPeerException(Name, "encrypt", new PeerError("EncryptionErrors", errors.ToJsonString(), [], "omemo"), Stderr);
        return new PeerEncrypted(
            (string)r["encrypted_xml"]!, (string)r["namespace"]!, Convert.FromBase64String((string)r["key_material_b64"]!),
            r["encrypted_xml_by_namespace"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!),
            r["key_material_b64_by_namespace"]!.AsObject().ToDictionary(p => p.Key, p => Convert.FromBase64String((string)p.Value!)));
    }

    /// <summary>Encrypts in namespace <paramref name="ns"/> only (recipient devices without it are left out) and returns
    /// that &lt;encrypted&gt; element.</summary>
    public string EncryptIn(string ns, byte[] plaintext, params string[] toJids)
    {
        var result = EncryptPerNamespace(plaintext, [ns], toJids);
        return result.XmlByNamespace.TryGetValue(ns, out var xml)
            ? xml
            : throw new PythonPeerException(Name, "encrypt", new PeerError("NoMessage", $"no {ns} message produced", [], "omemo"), Stderr);
    }

    public string EncryptEmpty(string toJid, uint deviceId) =>
        (string)Call("encrypt_empty", new JsonObject { ["to_jid"] = toJid, ["device_id"] = deviceId })["encrypted_xml"]!;

    /// <summary>An empty message over the existing session of namespace <paramref name="ns"/> (legacy: a random
    /// 16-byte key and no tag through the ratchet).</summary>
    public string EncryptEmpty(string toJid, uint deviceId, string ns) =>
        (string)Call("encrypt_empty", new JsonObject { ["to_jid"] = toJid, ["device_id"] = deviceId, ["namespace"] = ns })["encrypted_xml"]!;

    /// <summary>Decrypts; a refusal throws <see cref="PythonPeerException"/>. Plaintext is null for an empty message.</summary>
    public PeerDecrypted Decrypt(string fromJid, string encryptedXml)
    {
        var r = Call("decrypt", new JsonObject { ["from_jid"] = fromJid, ["encrypted_xml"] = encryptedXml });
        var b64 = (string?)r["plaintext_b64"];
        return new PeerDecrypted(b64 is null ? null : Convert.FromBase64String(b64), (string)r["sender_jid"]!, r["sender_device_id"]!.GetValue<uint>())
        {
            Namespace = (string?)r["namespace"] ?? Omemo2Namespace,
        };
    }

    /// <summary>Decrypts, returning the peer's error instead of throwing when it refuses the message.</summary>
    public (PeerDecrypted? Result, PeerError? Error) TryDecrypt(string fromJid, string encryptedXml)
    {
        var r = Send("decrypt", new JsonObject { ["from_jid"] = fromJid, ["encrypted_xml"] = encryptedXml });
        if (r["ok"]?.GetValue<bool>() != true) return (null, ErrorOf(r));
        var b64 = (string?)r["plaintext_b64"];
        return (new PeerDecrypted(b64 is null ? null : Convert.FromBase64String(b64), (string)r["sender_jid"]!, r["sender_device_id"]!.GetValue<uint>())
        {
            Namespace = (string?)r["namespace"] ?? Omemo2Namespace,
        }, null);
    }

    /// <summary>
    /// Delivers a replayed stanza, which python-omemo must refuse with DecryptionFailed: a duplicate or, for a replay from
    /// an earlier receiving chain (python-doubleratchet keeps none, so it takes the old ratchet key for a new one), an
    /// authentication failure. Nothing may be sent in reaction. Fails the test otherwise; returns the refusal.
    /// </summary>
    public PeerError RefuseReplay(string fromJid, string encryptedXml)
    {
        var (_, error) = TryDecrypt(fromJid, encryptedXml);
        if (error is null) throw new Xunit.Sdk.XunitException($"python peer '{Name}' accepted a replay:\n{encryptedXml}");
        if (error.Type != "DecryptionFailed"
            || !(error.Causes.Contains("DuplicateMessageException") || error.Causes.Contains("AuthenticationFailedException")))
            throw new Xunit.Sdk.XunitException($"python peer '{Name}' refused a replay with {error}");
        Assert.Empty(Outbox());
        return error;
    }

    /// <summary>Messages python-omemo sent on its own since the last call (KEX completion, heartbeats, notices).</summary>
    public IReadOnlyList<PeerOutgoing> Outbox() =>
        Call("outbox")["messages"]!.AsArray()
            .Select(m => new PeerOutgoing((string)m!["to_jid"]!, (string)m["encrypted_xml"]!)
            {
                Namespace = (string?)m["namespace"] ?? Omemo2Namespace,
            }).ToList();

    /// <summary>python-omemo's replace_sessions for one device; the notice is then in <see cref="Outbox"/>.</summary>
    public void ReplaceSession(string jid, uint deviceId)
    {
        var failed = Call("replace_session", new JsonObject { ["jid"] = jid, ["device_id"] = deviceId })["failed"]!.AsObject();
        if (failed.Count > 0) throw new PythonPeerException(Name, "replace_session", new PeerError("ReplacementFailed", failed.ToJsonString(), [], "omemo"), Stderr);
    }

    /// <summary>Replaces the session of namespace <paramref name="ns"/> only (python-omemo's replace_sessions steps for
    /// that backend); the notice is then in <see cref="Outbox"/>.</summary>
    public void ReplaceSession(string jid, uint deviceId, string ns)
    {
        var failed = Call("replace_session", new JsonObject { ["jid"] = jid, ["device_id"] = deviceId, ["namespace"] = ns })["failed"]!.AsObject();
        if (failed.Count > 0) throw new PythonPeerException(Name, "replace_session", new PeerError("ReplacementFailed", failed.ToJsonString(), [], "omemo"), Stderr);
    }

    public JsonObject SessionInfo(string jid, uint deviceId) =>
        Call("session_info", new JsonObject { ["jid"] = jid, ["device_id"] = deviceId });

    public JsonObject SessionInfo(string jid, uint deviceId, string ns) =>
        Call("session_info", new JsonObject { ["jid"] = jid, ["device_id"] = deviceId, ["namespace"] = ns });

    // ---- lifetime --------------------------------------------------------------------------------------------

    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            if (!_broken && !_process.HasExited)
            {
                try
                {
                    var saved = Timeout;
                    Timeout = TimeSpan.FromSeconds(5);
                    Send("shutdown");
                    Timeout = saved;
                }
                catch (PythonPeerException) { }
                catch (InvalidOperationException) { }
            }
            try { _process.StandardInput.Close(); } catch (IOException) { }
            if (!_process.WaitForExit(5000))
            {
                try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _disposed = true;
            _process.Dispose();
        }
    }
}

/// <summary>What init returned. <see cref="IdentityKey"/> is the Ed25519 form (python-omemo's, both namespaces);
/// <see cref="BundleXml"/>/<see cref="DeviceListXml"/> belong to the primary namespace (first of <see cref="Namespaces"/>).</summary>
internal sealed record PeerIdentity(string Jid, uint DeviceId, byte[] IdentityKey, string Fingerprint, string BundleXml, string DeviceListXml)
{
    /// <summary>The loaded namespaces in priority order.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [PythonPeer.Omemo2Namespace];

    /// <summary>The legacy (eu.siacs.conversations.axolotl) bundle, when oldmemo is loaded.</summary>
    public string? LegacyBundleXml { get; init; }

    /// <summary>The legacy &lt;list&gt; device list, when oldmemo is loaded.</summary>
    public string? LegacyDeviceListXml { get; init; }
}

internal sealed record PeerDecrypted(byte[]? Plaintext, string SenderJid, uint SenderDeviceId)
{
    /// <summary>The namespace of the decrypted &lt;encrypted&gt; element.</summary>
    public string Namespace { get; init; } = PythonPeer.Omemo2Namespace;
}

internal sealed record PeerOutgoing(string ToJid, string EncryptedXml)
{
    public string Namespace { get; init; } = PythonPeer.Omemo2Namespace;
}

/// <summary>The result of <see cref="PythonPeer.EncryptPerNamespace"/>: the primary message (OMEMO 2 if produced, else
/// legacy) and every message by namespace, with the key material each &lt;key&gt; carries (test only: OMEMO 2 48 bytes
/// key || truncated HMAC, legacy 32 bytes AES-128-GCM key || GCM tag).</summary>
internal sealed record PeerEncrypted(
    string EncryptedXml, string Namespace, byte[] KeyMaterial,
    IReadOnlyDictionary<string, string> XmlByNamespace, IReadOnlyDictionary<string, byte[]> KeyMaterialByNamespace);

/// <summary>An error response of the peer: the Python exception class, its message, the chained exception
/// classes and the stage (request, parse, omemo, process).</summary>
internal sealed record PeerError(string Type, string Message, string[] Causes, string Stage)
{
    public override string ToString() =>
        $"{Type} [{Stage}]: {Message}" + (Causes.Length > 0 ? $" (caused by {string.Join(" <- ", Causes)})" : "");
}

internal sealed class PythonPeerException(string peer, string command, PeerError error, string stderr)
    : Exception($"python peer '{peer}', command '{command}': {error}\n--- peer stderr (last lines) ---\n{stderr}")
{
    public PeerError Error { get; } = error;
    public string ErrorType => Error.Type;
}
