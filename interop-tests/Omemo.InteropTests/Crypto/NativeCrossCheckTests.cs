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
    [Fact]
    public void X25519_public_keys_agree()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        Key.Sample(k => CrossCheck.X25519PublicKeysEqual(k, sodium, xeddsa), iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void X25519_agreement_agrees_on_random_points()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        Gen.Select(Key, Key).Sample((k, u) => CrossCheck.X25519AgreementsEqual(k, u, sodium, xeddsa),
            iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void X25519_agreement_is_symmetric_and_agrees_on_real_keys()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
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
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        CrossCheck.SmallOrderPointsAreRejected(0xAA, sodium, xeddsa);
    }

    [Fact]
    public void Ed25519_public_keys_and_signatures_are_byte_equal()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        // Each verifies the other's signature.
        Gen.Select(Key, Message).Sample((seed, msg) => CrossCheck.Ed25519KeysAndSignaturesEqual(seed, msg, sodium, xeddsa),
            iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Ed25519_single_bit_flips_are_rejected_by_both()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        Gen.Select(Key, NonEmptyMessage, Gen.Int[0, int.MaxValue]).Sample((seed, msg, pick) =>
        {
            byte[] pk = new byte[32], sig = new byte[64];
            sodium.Ed25519DerivePublicKey(seed, pk);
            sodium.Ed25519Sign(seed, msg, sig);
            int bit = pick % CrossCheck.SignedBits(msg);
            (byte[] m, byte[] s) = CrossCheck.FlipSignedBit(msg, sig, bit);
            Assert.False(sodium.Ed25519Verify(pk, m, s), $"libsodium accepted flip of bit {bit}");
            Assert.False(xeddsa.Ed25519Verify(pk, m, s), $"libxeddsa accepted flip of bit {bit}");
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Ed25519_to_Curve25519_maps_agree()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        Gen.Select(Key, Key).Sample((seed, junk) =>
        {
            // Both maps on real keys; they commute with key derivation: X25519(seed->sk) == map(Ed25519(seed)).
            byte[] sk = CrossCheck.BirationalMapsEqual(seed, sodium, xeddsa);
            Assert.Equal(0, sk[0] & 7);         // clamped
            Assert.Equal(0x40, sk[31] & 0xC0);

            // Arbitrary 32 bytes: same verdict (and value) from both.
            byte[] cA = new byte[32], cB = new byte[32];
            bool okA = sodium.TryEd25519PublicKeyToCurve25519(junk, cA);
            bool okB = xeddsa.TryEd25519PublicKeyToCurve25519(junk, cB);
            Assert.Equal(okA, okB);
            Assert.Equal(cA, cB);
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Montgomery_to_Edwards_map_in_the_sodium_backend_equals_libxeddsa()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
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
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        Gen.Select(Key, Message, Random64).Sample((k, msg, z) =>
        {
            (byte[] u, byte[] sig) = CrossCheck.XEdDsaSignatureVerifies(k, msg, z, xeddsa, xeddsa, sodium);
            CrossCheck.XEdDsaVerifiesAsEd25519UnderTheMap(sodium, u, msg, sig);

            // Strictness: the same point written with bit 255 set is not a valid XEdDSA key (u >= p).
            Assert.False(sodium.XEdDsaVerify(WithBit255(u), msg, sig));
            Assert.False(xeddsa.XEdDsaVerify(WithBit255(u), msg, sig));
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void XEdDsa_single_bit_flips_are_rejected_by_both()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        Gen.Select(Key, NonEmptyMessage, Random64, Gen.Int[0, int.MaxValue]).Sample((k, msg, z, pick) =>
        {
            byte[] u = new byte[32], sig = new byte[64];
            xeddsa.X25519DerivePublicKey(k, u);
            xeddsa.XEdDsaSign(k, msg, z, sig);
            int bit = pick % CrossCheck.SignedBits(msg);
            (byte[] m, byte[] s) = CrossCheck.FlipSignedBit(msg, sig, bit);
            Assert.False(sodium.XEdDsaVerify(u, m, s), $"libsodium accepted flip of bit {bit}");
            Assert.False(xeddsa.XEdDsaVerify(u, m, s), $"libxeddsa accepted flip of bit {bit}");
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Every_single_bit_flip_of_a_few_signatures_is_rejected()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        // libsodium signs Ed25519, libxeddsa XEdDSA; messages of 1, 41 and 81 bytes.
        CrossCheck.EveryBitFlipIsRejected(20240601, 40, sodium, xeddsa, sodium, xeddsa);
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
