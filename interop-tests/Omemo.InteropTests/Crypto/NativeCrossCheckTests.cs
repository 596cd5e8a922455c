using CsCheck;
using Omemo.Crypto;
using Omemo.Native;
using Xunit.Abstractions;
using static Omemo.InteropTests.Crypto.CurveTestData;

namespace Omemo.InteropTests.Crypto;

/// <summary>
/// libsodium and libxeddsa against each other, independent of the managed backend: the two native
/// <see cref="ICurveBackend"/>s must agree byte for byte wherever the result is deterministic, and accept and
/// reject the same signatures.
/// </summary>
public sealed class NativeCrossCheckTests(ITestOutputHelper output)
{
    private bool Ready([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SodiumCurveBackend? sodium,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out XEdDsaCurveBackend? xeddsa)
    {
        sodium = null;
        xeddsa = null;
        if (!NativeRequirement.SodiumAndXEdDsa(output)) return false;
        sodium = new SodiumCurveBackend();
        xeddsa = new XEdDsaCurveBackend();
        return true;
    }

    [Fact]
    public void X25519_public_keys_agree()
    {
        if (!Ready(out var sodium, out var xeddsa)) return;
        Key.Sample(k =>
        {
            byte[] a = new byte[32], b = new byte[32];
            sodium.X25519DerivePublicKey(k, a);
            xeddsa.X25519DerivePublicKey(k, b);
            Assert.Equal(a, b);
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void X25519_agreement_agrees_on_random_points()
    {
        if (!Ready(out var sodium, out var xeddsa)) return;
        Gen.Select(Key, Key).Sample((k, u) =>
        {
            byte[] a = new byte[32], b = new byte[32];
            bool okA = sodium.TryX25519Agree(k, u, a);
            bool okB = xeddsa.TryX25519Agree(k, u, b);
            Assert.Equal(okA, okB);
            Assert.Equal(a, b);
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void X25519_agreement_is_symmetric_and_agrees_on_real_keys()
    {
        if (!Ready(out var sodium, out var xeddsa)) return;
        Gen.Select(Key, Key).Sample((k1, k2) =>
        {
            byte[] p1 = new byte[32], p2 = new byte[32], s12 = new byte[32], s21 = new byte[32];
            sodium.X25519DerivePublicKey(k1, p1);
            xeddsa.X25519DerivePublicKey(k2, p2);
            Assert.True(sodium.TryX25519Agree(k1, p2, s12));
            Assert.True(xeddsa.TryX25519Agree(k2, p1, s21));
            Assert.Equal(s12, s21);
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void X25519_small_order_points_are_rejected_with_zeroed_output()
    {
        if (!Ready(out var sodium, out var xeddsa)) return;
        byte[] k = new byte[32];
        System.Security.Cryptography.RandomNumberGenerator.Fill(k);
        foreach (byte[] u in SmallOrderPoints())
        {
            foreach (ICurveBackend backend in new ICurveBackend[] { sodium, xeddsa })
            {
                byte[] shared = Enumerable.Repeat((byte)0xAA, 32).ToArray();
                Assert.False(backend.TryX25519Agree(k, u, shared), $"{backend.Name} accepted small-order u={Hex(u)}");
                Assert.All(shared, b => Assert.Equal(0, b));
            }
        }
    }

    [Fact]
    public void Ed25519_public_keys_and_signatures_are_byte_equal()
    {
        if (!Ready(out var sodium, out var xeddsa)) return;
        Gen.Select(Key, Message).Sample((seed, msg) =>
        {
            byte[] pkA = new byte[32], pkB = new byte[32], sigA = new byte[64], sigB = new byte[64];
            sodium.Ed25519DerivePublicKey(seed, pkA);
            xeddsa.Ed25519DerivePublicKey(seed, pkB);
            Assert.Equal(pkA, pkB);
            sodium.Ed25519Sign(seed, msg, sigA);
            xeddsa.Ed25519Sign(seed, msg, sigB);
            Assert.Equal(sigA, sigB);
            Assert.True(sodium.Ed25519Verify(pkA, msg, sigB));
            Assert.True(xeddsa.Ed25519Verify(pkA, msg, sigA));
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Ed25519_single_bit_flips_are_rejected_by_both()
    {
        if (!Ready(out var sodium, out var xeddsa)) return;
        Gen.Select(Key, NonEmptyMessage, Gen.Int[0, int.MaxValue]).Sample((seed, msg, pick) =>
        {
            byte[] pk = new byte[32], sig = new byte[64];
            sodium.Ed25519DerivePublicKey(seed, pk);
            sodium.Ed25519Sign(seed, msg, sig);
            int bit = pick % ((64 + msg.Length) * 8);
            (byte[] m, byte[] s) = bit < 512 ? (msg, FlipBit(sig, bit)) : (FlipBit(msg, bit - 512), sig);
            Assert.False(sodium.Ed25519Verify(pk, m, s), $"libsodium accepted flip of bit {bit}");
            Assert.False(xeddsa.Ed25519Verify(pk, m, s), $"libxeddsa accepted flip of bit {bit}");
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Ed25519_to_Curve25519_maps_agree()
    {
        if (!Ready(out var sodium, out var xeddsa)) return;
        Gen.Select(Key, Key).Sample((seed, junk) =>
        {
            byte[] edPk = new byte[32], cA = new byte[32], cB = new byte[32], skA = new byte[32], skB = new byte[32], x = new byte[32];
            sodium.Ed25519DerivePublicKey(seed, edPk);
            Assert.True(sodium.TryEd25519PublicKeyToCurve25519(edPk, cA));
            Assert.True(xeddsa.TryEd25519PublicKeyToCurve25519(edPk, cB));
            Assert.Equal(cA, cB);

            sodium.Ed25519SeedToCurve25519(seed, skA);
            xeddsa.Ed25519SeedToCurve25519(seed, skB);
            Assert.Equal(skA, skB);
            Assert.Equal(0, skA[0] & 7);         // clamped
            Assert.Equal(0x40, skA[31] & 0xC0);

            // The two maps commute with key derivation: X25519(seed->sk) == map(Ed25519(seed)).
            sodium.X25519DerivePublicKey(skA, x);
            Assert.Equal(cA, x);

            // Arbitrary 32 bytes: same verdict (and value) from both.
            bool okA = sodium.TryEd25519PublicKeyToCurve25519(junk, cA);
            bool okB = xeddsa.TryEd25519PublicKeyToCurve25519(junk, cB);
            Assert.Equal(okA, okB);
            Assert.Equal(cA, cB);
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Montgomery_to_Edwards_map_in_the_sodium_backend_equals_libxeddsa()
    {
        if (!Ready(out var sodium, out var xeddsa)) return;
        void Compare(byte[] u)
        {
            byte[] mine = new byte[32], theirs = new byte[32];
            bool canonical = Decode(u) < P;
            Assert.Equal(canonical, sodium.Curve25519PublicKeyToEd25519(u, mine));
            if (!canonical) return;
            xeddsa.Curve25519PublicKeyToEd25519(u, theirs, signBit: false);
            Assert.Equal(theirs, mine);
            Assert.Equal(0, mine[31] & 0x80);
        }

        // Edges: 0, 1, 2, p - 2, p - 1 (u + 1 = 0), and the first non-canonical values.
        foreach (var u in new[] { 0, 1, 2 }.Select(v => Encode(v)).Concat([Encode(P - 2), Encode(P - 1), Encode(P), Encode(P + 1)]))
        {
            Compare(u);
        }
        Key.Sample(u =>
        {
            u[31] &= 0x7F; // random canonical-or-barely-not values below 2^255
            Compare(u);
            Compare(WithBit255(u)); // always rejected by the strict map
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void XEdDsa_signatures_from_libxeddsa_verify_under_libsodium_via_the_map()
    {
        if (!Ready(out var sodium, out var xeddsa)) return;
        Gen.Select(Key, Message, Random64).Sample((k, msg, z) =>
        {
            byte[] u = new byte[32], sig = new byte[64];
            xeddsa.X25519DerivePublicKey(k, u);
            xeddsa.XEdDsaSign(k, msg, z, sig);
            Assert.True(xeddsa.XEdDsaVerify(u, msg, sig));
            Assert.True(sodium.XEdDsaVerify(u, msg, sig));

            // The same, spelled out: Curve25519 key -> Ed25519 key with sign bit 0 -> crypto_sign_verify_detached.
            byte[] ed = new byte[32];
            Assert.True(sodium.Curve25519PublicKeyToEd25519(u, ed));
            Assert.True(sodium.Ed25519Verify(ed, msg, sig));

            // Strictness: the same point written with bit 255 set is not a valid XEdDSA key (u >= p).
            Assert.False(sodium.XEdDsaVerify(WithBit255(u), msg, sig));
            Assert.False(xeddsa.XEdDsaVerify(WithBit255(u), msg, sig));
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void XEdDsa_single_bit_flips_are_rejected_by_both()
    {
        if (!Ready(out var sodium, out var xeddsa)) return;
        Gen.Select(Key, NonEmptyMessage, Random64, Gen.Int[0, int.MaxValue]).Sample((k, msg, z, pick) =>
        {
            byte[] u = new byte[32], sig = new byte[64];
            xeddsa.X25519DerivePublicKey(k, u);
            xeddsa.XEdDsaSign(k, msg, z, sig);
            int bit = pick % ((64 + msg.Length) * 8);
            (byte[] m, byte[] s) = bit < 512 ? (msg, FlipBit(sig, bit)) : (FlipBit(msg, bit - 512), sig);
            Assert.False(sodium.XEdDsaVerify(u, m, s), $"libsodium accepted flip of bit {bit}");
            Assert.False(xeddsa.XEdDsaVerify(u, m, s), $"libxeddsa accepted flip of bit {bit}");
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Every_single_bit_flip_of_a_few_signatures_is_rejected()
    {
        if (!Ready(out var sodium, out var xeddsa)) return;
        var rng = new Random(20240601);
        for (int round = 0; round < 3; round++)
        {
            byte[] seed = new byte[32], msg = new byte[1 + round * 40], z = new byte[64];
            rng.NextBytes(seed);
            rng.NextBytes(msg);
            rng.NextBytes(z);
            byte[] edPk = new byte[32], edSig = new byte[64], u = new byte[32], xSig = new byte[64];
            sodium.Ed25519DerivePublicKey(seed, edPk);
            sodium.Ed25519Sign(seed, msg, edSig);
            xeddsa.X25519DerivePublicKey(seed, u);
            xeddsa.XEdDsaSign(seed, msg, z, xSig);
            for (int bit = 0; bit < (64 + msg.Length) * 8; bit++)
            {
                bool sigBit = bit < 512;
                byte[] m = sigBit ? msg : FlipBit(msg, bit - 512);
                byte[] es = sigBit ? FlipBit(edSig, bit) : edSig;
                byte[] xs = sigBit ? FlipBit(xSig, bit) : xSig;
                foreach (ICurveBackend backend in new ICurveBackend[] { sodium, xeddsa })
                {
                    Assert.False(backend.Ed25519Verify(edPk, m, es), $"{backend.Name} Ed25519 accepted flip of bit {bit}");
                    Assert.False(backend.XEdDsaVerify(u, m, xs), $"{backend.Name} XEdDSA accepted flip of bit {bit}");
                }
            }
        }
    }

    [Fact]
    public void Sodium_backend_has_no_XEdDsa_signing()
    {
        if (!NativeRequirement.Sodium(output)) return;
        var sodium = new SodiumCurveBackend();
        Assert.Throws<NotSupportedException>(() => sodium.XEdDsaSign(new byte[32], [], new byte[64], new byte[64]));
    }

    [Fact]
    public void Wrong_sizes_are_handled_before_reaching_native_code()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output)) return;
        foreach (ICurveBackend backend in new ICurveBackend[] { new SodiumCurveBackend(), new XEdDsaCurveBackend() })
        {
            // Refused: short keys and outputs, seeds of any size but 32.
            Assert.Throws<ArgumentException>(() => backend.X25519DerivePublicKey(new byte[31], new byte[32]));
            Assert.Throws<ArgumentException>(() => backend.X25519DerivePublicKey(new byte[32], new byte[31]));
            Assert.Throws<ArgumentException>(() => backend.TryX25519Agree(new byte[32], new byte[31], new byte[32]));
            Assert.Throws<ArgumentException>(() => backend.Ed25519DerivePublicKey(new byte[33], new byte[32]));
            Assert.Throws<ArgumentException>(() => backend.Ed25519Sign(new byte[32], [], new byte[63]));
            Assert.Throws<ArgumentException>(() => backend.Ed25519SeedToCurve25519(new byte[31], new byte[32]));
            // Verification and conversion of public inputs answer false instead.
            Assert.False(backend.Ed25519Verify(new byte[32], [], new byte[63]));
            Assert.False(backend.Ed25519Verify(new byte[33], [], new byte[64]));
            Assert.False(backend.XEdDsaVerify(new byte[31], [], new byte[64]));
            Assert.False(backend.XEdDsaVerify(new byte[32], [], new byte[65]));
            Assert.False(backend.TryEd25519PublicKeyToCurve25519(new byte[31], new byte[32]));
        }
        Assert.Throws<ArgumentException>(() => new XEdDsaCurveBackend().XEdDsaSign(new byte[32], [], new byte[63], new byte[64]));
        Assert.Throws<ArgumentException>(() => new XEdDsaCurveBackend().XEdDsaSign(new byte[33], [], new byte[64], new byte[64]));
    }
}
