using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Omemo.Errors;
using Omemo.Sessions;
using Omemo.X3dh;
using Omemo.Xml;
using Xunit.Abstractions;

namespace Omemo.InteropTests.Python;

/// <summary>Runs interop-tests/python/make_vectors.py once into a temporary directory (deleted afterwards).</summary>
public sealed class PythonVectorFixture : IDisposable
{
    private readonly Lazy<(string? Directory, string? Failure)> _generated;
    private string? _directory;

    public PythonVectorFixture() => _generated = new(Generate);

    /// <summary>The directory holding the vector files; throws with make_vectors.py's stderr when generation failed.</summary>
    public string Directory
    {
        get
        {
            var (dir, failure) = _generated.Value;
            return dir ?? throw new InvalidOperationException(failure);
        }
    }

    private (string?, string?) Generate()
    {
        _directory = Path.Combine(Path.GetTempPath(), "omemo-python-vectors-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(PythonPeer.Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PythonPeer.VectorScriptPath);
        start.ArgumentList.Add(_directory);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            return (null, "make_vectors.py did not finish within 300 s. stderr:\n" + stderr.Result);
        }
        if (process.ExitCode != 0)
            return (null, $"make_vectors.py failed with status {process.ExitCode}. stderr:\n{stderr.Result}\nstdout:\n{stdout.Result}");
        return (_directory, null);
    }

    public void Dispose()
    {
        if (_directory is not null && System.IO.Directory.Exists(_directory)) System.IO.Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>
/// Receive-side vectors made by python-omemo at test time: our engine, restored from the receiver's exported private
/// keys, must decrypt every positive step to the expected plaintext and refuse every negative one with the named
/// <see cref="OmemoException"/> subclass, leaving its state as it was (the steps after a refusal prove that).
/// </summary>
public sealed class PythonVectorTests(ITestOutputHelper output, PythonVectorFixture vectors) : IClassFixture<PythonVectorFixture>
{
    private static readonly string[] Scenarios = ["kex_and_chain", "session_replacement", "initiator_view"];

    [Fact]
    public void Generator_writes_exactly_the_known_scenarios()
    {
        if (!PythonRequirement.Available(output)) return;
        var files = System.IO.Directory.GetFiles(vectors.Directory, "*.json").Select(Path.GetFileNameWithoutExtension).Order().ToArray();
        Assert.Equal(Scenarios.Order().ToArray(), files);
    }

    [Theory]
    [InlineData("kex_and_chain")]
    [InlineData("session_replacement")]
    [InlineData("initiator_view")]
    public void Engine_replays_python_vectors(string scenario)
    {
        if (!PythonRequirement.Available(output)) return;
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(vectors.Directory, scenario + ".json")));
        var root = document.RootElement;
        Assert.Equal("omemo-native/python-vectors/1", root.GetProperty("schema").GetString());
        output.WriteLine($"{scenario}: {root.GetProperty("description").GetString()}");

        var receiver = root.GetProperty("receiver");
        var sender = root.GetProperty("sender");
        string senderJid = sender.GetProperty("jid").GetString()!;
        uint senderDevice = sender.GetProperty("device_id").GetUInt32();
        byte[] senderIk = B64(sender, "identity_key_b64");

        using var device = RestoreReceiver(receiver);
        Assert.Equal([senderDevice], DeviceListXml.Parse(sender.GetProperty("devicelist_xml").GetString()!).Select(d => d.Id).ToArray());

        var failures = new List<string>();
        string role = root.GetProperty("role").GetString()!;
        OmemoSession? initiated = null;
        if (role == "initiator")
        {
            // Rebuild the receiver's own session with the keys python-omemo drew, and check that it re-encrypts the
            // receiver's first messages byte for byte.
            var init = root.GetProperty("initiation");
            var peerBundle = BundleXml.Parse(init.GetProperty("peer_bundle_xml").GetString()!);
            Assert.Equal(senderIk, peerBundle.IdentityKey);
            initiated = OmemoSession.Initiate(device.Identity, peerBundle, init.GetProperty("pre_key_id").GetUInt32(),
                B64(init, "ephemeral_private_b64"), B64(init, "ratchet_private_b64"));
            Assert.Equal(init.GetProperty("signed_pre_key_id").GetUInt32(), initiated.UsedSignedPreKeyId);
            device.Adopt(senderJid, senderDevice, initiated);
            foreach (var sent in root.GetProperty("sent").EnumerateArray())
            {
                Assert.True(initiated.IsKeyExchangePending);
                byte[] key = initiated.Encrypt(B64(sent, "key_material_b64"));
                if (!key.AsSpan().SequenceEqual(B64(sent, "key_b64")))
                    failures.Add($"sent '{sent.GetProperty("note").GetString()}': our <key> bytes differ from python-omemo's");
            }
        }
        else Assert.Equal("responder", role);
        int positives = 0, negatives = 0;
        foreach (var step in root.GetProperty("steps").EnumerateArray())
        {
            int index = step.GetProperty("index").GetInt32();
            string note = step.GetProperty("note").GetString()!;
            string expect = step.GetProperty("expect").GetString()!;
            string xml = step.GetProperty("encrypted_xml").GetString()!;
            string label = $"step {index} ({note})";
            EngineDecrypted? result = null;
            Exception? error = null;
            try
            {
                result = device.Decrypt(senderJid, xml);
            }
            catch (Exception e) when (e is OmemoException or NotForUsException)
            {
                error = e;
            }

            switch (expect)
            {
                case "plaintext":
                case "empty":
                    positives++;
                    if (error is not null) { failures.Add($"{label}: refused with {error.GetType().Name}: {error.Message}"); break; }
                    byte[]? expected = expect == "empty" ? null : B64(step, "plaintext_b64");
                    if (expected is null ? result!.Plaintext is not null : result!.Plaintext is null || !expected.AsSpan().SequenceEqual(result.Plaintext))
                        failures.Add($"{label}: wrong plaintext");
                    if (result.SenderDeviceId != senderDevice) failures.Add($"{label}: sender device {result.SenderDeviceId}");
                    if (!result.Session.PeerIdentityKey.SequenceEqual(senderIk)) failures.Add($"{label}: session peer identity is not the sender's");
                    break;
                case "error":
                    negatives++;
                    string kind = step.GetProperty("error").GetString()!;
                    var type = typeof(OmemoException).Assembly.GetType($"Omemo.Errors.{kind}Exception")
                        ?? throw new InvalidOperationException($"{label}: no exception type Omemo.Errors.{kind}Exception");
                    if (error is null) failures.Add($"{label}: accepted, expected {type.Name}");
                    else if (error.GetType() != type) failures.Add($"{label}: {error.GetType().Name} ({error.Message}), expected {type.Name}");
                    break;
                default:
                    throw new InvalidOperationException($"{label}: unknown expectation {expect}");
            }
        }
        if (initiated is not null && initiated.IsKeyExchangePending) failures.Add("the initiator's key exchange is still pending after the replies");
        output.WriteLine($"{role}: {positives} positive and {negatives} negative steps; pre-keys used: {string.Join(", ", device.UsedPreKeys)}");
        Assert.True(positives > 0 && negatives > 0);
        Assert.True(failures.Count == 0, $"{failures.Count} step(s) failed:\n" + string.Join("\n", failures));
    }

    private static EngineDevice RestoreReceiver(JsonElement receiver)
    {
        byte[] seed = B64(receiver, "identity_seed_b64");
        var identity = IdentityKeyPair.FromSeed(seed);
        Assert.Equal(B64(receiver, "identity_key_b64"), identity.PublicKey.ToArray());

        var signedPreKeys = new List<SignedPreKey>();
        foreach (var s in receiver.GetProperty("signed_pre_keys").EnumerateArray())
        {
            var spk = new SignedPreKey(s.GetProperty("id").GetUInt32(), B64(s, "private_b64"), B64(s, "signature_b64"),
                DateTimeOffset.FromUnixTimeSeconds(s.GetProperty("timestamp").GetInt64()));
            Assert.Equal(B64(s, "public_b64"), spk.PublicKey);
            signedPreKeys.Add(spk);
        }
        var preKeys = new List<PreKey>();
        foreach (var p in receiver.GetProperty("pre_keys").EnumerateArray())
        {
            var pk = new PreKey(p.GetProperty("id").GetUInt32(), B64(p, "private_b64"));
            Assert.Equal(B64(p, "public_b64"), pk.PublicKey);
            preKeys.Add(pk);
        }

        // The published bundle agrees with the private keys, and its signature verifies in our engine.
        var bundle = BundleXml.Parse(receiver.GetProperty("bundle_xml").GetString()!);
        Assert.True(bundle.HasValidSignature());
        Assert.Equal(identity.PublicKey.ToArray(), bundle.IdentityKey);
        Assert.Contains(signedPreKeys, s => s.Id == bundle.SignedPreKeyId && s.PublicKey.AsSpan().SequenceEqual(bundle.SignedPreKey));
        Assert.All(bundle.PreKeys, p => Assert.Contains(preKeys, k => k.Id == p.Id && k.PublicKey.AsSpan().SequenceEqual(p.PublicKey)));

        return EngineDevice.Restore(receiver.GetProperty("jid").GetString()!, receiver.GetProperty("device_id").GetUInt32(),
            identity, signedPreKeys, preKeys);
    }

    private static byte[] B64(JsonElement e, string name) => Convert.FromBase64String(e.GetProperty(name).GetString()!);
}
