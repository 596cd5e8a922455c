using Omemo.Crypto;
using Omemo.Sessions.Legacy;
using Omemo.X3dh;
using Omemo.Xml.Legacy;

namespace Omemo.Bench.Shared;

/// <summary>
/// A recipient device of the benchmarks and the comparison runner: an identity with signed pre-key 1 and one pre-key
/// (id 1), which it never consumes (a benchmark may accept key exchanges for it again and again), and its bundle in both
/// forms (OMEMO 2 and legacy OMEMO 0.3). Shared source of bench/Omemo.Bench and bench/Omemo.Compare.
/// </summary>
public sealed class Receiver : IPreKeySource, IDisposable
{
    private readonly SignedPreKey _signedPreKey;
    private readonly PreKey _preKey = PreKey.Generate(1);

    /// <summary>Generates the identity and its keys.</summary>
    public Receiver() => _signedPreKey = SignedPreKey.Generate(Identity, 1);

    /// <summary>The device's identity key pair.</summary>
    public IdentityKeyPair Identity { get; } = IdentityKeyPair.Generate();

    /// <summary>The OMEMO 2 bundle (Ed25519 identity, signature over the raw signed pre-key).</summary>
    public Bundle Bundle() => new(Identity.PublicKey.ToArray(), _signedPreKey.Id, _signedPreKey.PublicKey, _signedPreKey.Signature, [_preKey.ToPublic()]);

    /// <summary>The legacy bundle (Curve25519 identity, signature over 0x05 || spk), as <c>SessionManager.GetLegacyBundle</c> builds it.</summary>
    public LegacyBundle LegacyBundle() => LegacySignedPreKey.CreateBundle(Identity, _signedPreKey, [_preKey.ToPublic()]);

    /// <inheritdoc />
    public SignedPreKey? GetSignedPreKey(uint id) => id == _signedPreKey.Id ? _signedPreKey : null;

    /// <inheritdoc />
    public PreKey? GetPreKey(uint id) => id == _preKey.Id ? _preKey : null;

    /// <summary>Disposes the identity.</summary>
    public void Dispose() => Identity.Dispose();

    /// <summary><paramref name="count"/> new receivers.</summary>
    public static Receiver[] Generate(int count) => [.. Enumerable.Range(0, count).Select(_ => new Receiver())];
}
