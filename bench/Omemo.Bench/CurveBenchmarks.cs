using BenchmarkDotNet.Attributes;
using Omemo.Crypto;
using Omemo.Native;

namespace Omemo.Bench;

/// <summary>
/// The curve operations through <see cref="ICurveBackend"/>: managed (baseline of each category) vs libsodium
/// vs libxeddsa. libsodium has no XEdDSA signing, so that cell is absent.
/// </summary>
[BenchmarkCategory("curve")]
public unsafe class CurveBenchmarks
{
    private readonly ICurveBackend _managed = ManagedCurveBackend.Instance;
    private readonly ICurveBackend _sodium = NativeBackends.Create(NativeBackends.Sodium);
    private readonly ICurveBackend _xeddsa = NativeBackends.Create(NativeBackends.XEdDsa);

    private readonly byte[] _privateKey = new byte[32];
    private readonly byte[] _peerPublic = new byte[32];
    private readonly byte[] _seed = new byte[32];
    private readonly byte[] _edPublic = new byte[32];
    private readonly byte[] _curvePublic = new byte[32];
    private readonly byte[] _random = new byte[64];
    private readonly byte[] _message = new byte[32];
    private readonly byte[] _edSignature = new byte[64];
    private readonly byte[] _xSignature = new byte[64];
    private readonly byte[] _out32 = new byte[32];
    private readonly byte[] _out64 = new byte[64];

    private Ed25519SigningKey _signingKey = null!;
    private readonly byte[] _sodiumSecretKey = new byte[64];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        rng.NextBytes(_privateKey); rng.NextBytes(_seed); rng.NextBytes(_random); rng.NextBytes(_message);
        var other = new byte[32]; rng.NextBytes(other);
        X25519.DerivePublicKey(other, _peerPublic);
        X25519.DerivePublicKey(_privateKey, _curvePublic);
        Ed25519.DerivePublicKey(_seed, _edPublic);
        Ed25519.Sign(_seed, _message, _edSignature);
        XEdDsa.Sign(_privateKey, _message, _random, _xSignature);
        _signingKey = new Ed25519SigningKey(_seed);
        _seed.CopyTo(_sodiumSecretKey, 0);
        _edPublic.CopyTo(_sodiumSecretKey, 32);
        _ = NativeBackends.IsSodiumAvailable; // loads and initialises libsodium
    }

    [GlobalCleanup]
    public void Cleanup() => _signingKey.Dispose();

    private bool Agree(ICurveBackend b) => b.TryX25519Agree(_privateKey, _peerPublic, _out32);
    private void Sign(ICurveBackend b) => b.Ed25519Sign(_seed, _message, _out64);
    private bool Verify(ICurveBackend b) => b.Ed25519Verify(_edPublic, _message, _edSignature);
    private void XSign(ICurveBackend b) => b.XEdDsaSign(_privateKey, _message, _random, _out64);
    private bool XVerify(ICurveBackend b) => b.XEdDsaVerify(_curvePublic, _message, _xSignature);
    private bool Map(ICurveBackend b) => b.TryEd25519PublicKeyToCurve25519(_edPublic, _out32);

    [Benchmark(Baseline = true), BenchmarkCategory("X25519 agree")] public bool X25519_Managed() => Agree(_managed);
    [Benchmark, BenchmarkCategory("X25519 agree")] public bool X25519_Libsodium() => Agree(_sodium);
    [Benchmark, BenchmarkCategory("X25519 agree")] public bool X25519_Libxeddsa() => Agree(_xeddsa);

    [Benchmark(Baseline = true), BenchmarkCategory("X25519 public key")] public void X25519Base_Managed() => _managed.X25519DerivePublicKey(_privateKey, _out32);
    [Benchmark, BenchmarkCategory("X25519 public key")] public void X25519Base_Libsodium() => _sodium.X25519DerivePublicKey(_privateKey, _out32);

    [Benchmark(Baseline = true), BenchmarkCategory("Ed25519 sign")] public void Ed25519Sign_Managed() => Sign(_managed);
    [Benchmark, BenchmarkCategory("Ed25519 sign")] public void Ed25519Sign_Libsodium() => Sign(_sodium);
    [Benchmark, BenchmarkCategory("Ed25519 sign")] public void Ed25519Sign_Libxeddsa() => Sign(_xeddsa);

    // Like for like with libsodium's crypto_sign_detached, whose 64-byte secret key carries the public key.
    [Benchmark(Baseline = true), BenchmarkCategory("Ed25519 sign, expanded key")] public void Ed25519SignKey_Managed() => _signingKey.Sign(_message, _out64);
    [Benchmark, BenchmarkCategory("Ed25519 sign, expanded key")]
    public int Ed25519SignKey_Libsodium()
    {
        fixed (byte* sig = _out64) fixed (byte* m = _message) fixed (byte* sk = _sodiumSecretKey)
            return Omemo.Native.Interop.Sodium.crypto_sign_detached(sig, null, m, (ulong)_message.Length, sk);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Ed25519 verify")] public bool Ed25519Verify_Managed() => Verify(_managed);
    [Benchmark, BenchmarkCategory("Ed25519 verify")] public bool Ed25519Verify_Libsodium() => Verify(_sodium);
    [Benchmark, BenchmarkCategory("Ed25519 verify")] public bool Ed25519Verify_Libxeddsa() => Verify(_xeddsa);

    [Benchmark(Baseline = true), BenchmarkCategory("XEdDSA sign")] public void XEdDsaSign_Managed() => XSign(_managed);
    [Benchmark, BenchmarkCategory("XEdDSA sign")] public void XEdDsaSign_Libxeddsa() => XSign(_xeddsa);

    [Benchmark(Baseline = true), BenchmarkCategory("XEdDSA verify")] public bool XEdDsaVerify_Managed() => XVerify(_managed);
    [Benchmark, BenchmarkCategory("XEdDSA verify")] public bool XEdDsaVerify_Libsodium() => XVerify(_sodium);
    [Benchmark, BenchmarkCategory("XEdDSA verify")] public bool XEdDsaVerify_Libxeddsa() => XVerify(_xeddsa);

    [Benchmark(Baseline = true), BenchmarkCategory("Ed25519->Curve25519 pk")] public bool MapPk_Managed() => Map(_managed);
    [Benchmark, BenchmarkCategory("Ed25519->Curve25519 pk")] public bool MapPk_Libsodium() => Map(_sodium);
}
