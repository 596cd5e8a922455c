using BenchmarkDotNet.Attributes;
using Omemo.Sessions;
using Omemo.X3dh;
using Omemo.Xml;

namespace Omemo.Bench;

/// <summary>
/// Per-recipient protocol costs on established sessions (the baseline the batch fan-out work of issue 5 has to
/// beat): one Double Ratchet encryption of the 48-byte key material, an encrypt+decrypt round trip, the shared
/// payload, the first message to a new device (X3DH + first encryption), and the &lt;encrypted&gt; XML for 100
/// recipients.
/// </summary>
[BenchmarkCategory("protocol")]
public class ProtocolBenchmarks
{
    private IdentityKeyPair _alice = null!;
    private IdentityKeyPair _bob = null!;
    private Bundle _bobBundle = null!;
    private OmemoSession _aliceSession = null!;
    private OmemoSession _bobSession = null!;
    private readonly byte[] _keyMaterial = new byte[OmemoPayload.KeyMaterialSize];
    private readonly byte[] _plaintext = new byte[1024];
    private EncryptedElement _element = null!;

    private sealed class Keys(SignedPreKey spk, PreKey pk) : IPreKeySource
    {
        public SignedPreKey? GetSignedPreKey(uint id) => id == spk.Id ? spk : null;
        public PreKey? GetPreKey(uint id) => id == pk.Id ? pk : null;
    }

    [GlobalSetup]
    public void Setup()
    {
        _alice = IdentityKeyPair.Generate();
        _bob = IdentityKeyPair.Generate();
        var spk = SignedPreKey.Generate(_bob, 1);
        var pk = PreKey.Generate(1);
        _bobBundle = new Bundle(_bob.PublicKey.ToArray(), spk.Id, spk.PublicKey, spk.Signature, [pk.ToPublic()]);
        _aliceSession = OmemoSession.Initiate(_alice, _bobBundle);
        _bobSession = OmemoSession.AcceptKeyExchange(_bob, new Keys(spk, pk), _aliceSession.Encrypt(_keyMaterial), out _);
        _aliceSession.Decrypt(_bobSession.Encrypt(_keyMaterial)); // confirmed: no more key exchanges
        Random.Shared.NextBytes(_keyMaterial);
        var keys = Enumerable.Range(1, 100).Select(i => new EncryptedKey("member" + (i % 10) + "@example.org", (uint)i, new byte[120], false)).ToList();
        _element = new EncryptedElement(4711, keys, new byte[1040]);
    }

    [Benchmark(Baseline = true)]
    public byte[] RatchetEncrypt_PerRecipient() => _aliceSession.Encrypt(_keyMaterial);

    [Benchmark]
    public byte[] RatchetEncryptDecrypt_RoundTrip() => _bobSession.Decrypt(_aliceSession.Encrypt(_keyMaterial));

    [Benchmark]
    public byte[] Payload_1KiB() => OmemoPayload.Encrypt(_plaintext, _keyMaterial.AsSpan());

    [Benchmark]
    public byte[] FirstMessage_X3dhAndEncrypt()
    {
        using var session = OmemoSession.Initiate(_alice, _bobBundle);
        return session.Encrypt(_keyMaterial);
    }

    [Benchmark]
    public string EncryptedXml_100Recipients() => _element.ToXml();
}
