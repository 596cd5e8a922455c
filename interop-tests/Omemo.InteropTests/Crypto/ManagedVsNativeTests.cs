using CsCheck;
using Omemo.Crypto;
using Omemo.Native;
using Xunit.Abstractions;
using static Omemo.InteropTests.Crypto.CurveTestData;

namespace Omemo.InteropTests.Crypto;

/// <summary>
/// The managed backend (the engine's default) against libsodium and libxeddsa through the common
/// <see cref="ICurveBackend"/> interface: byte-equal results wherever they are deterministic, the same
/// accept/reject verdicts everywhere else.
/// </summary>
public sealed class ManagedVsNativeTests(ITestOutputHelper output)
{
    private readonly ManagedCurveBackend managed = new();

    [Fact]
    public void Managed_backend_is_selectable_by_name()
    {
        ICurveBackend backend = NativeBackends.Create("managed");
        Assert.IsType<ManagedCurveBackend>(backend);
        Assert.Equal("managed", backend.Name);
        Assert.True(NativeBackends.IsAvailable("Managed"));
    }

    [Fact]
    public void X25519_public_keys_are_equal_across_all_three()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        Key.Sample(k => CrossCheck.X25519PublicKeysEqual(k, managed, sodium, xeddsa), iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void X25519_agreement_is_equal_across_all_three_on_random_points()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        // Fully random u: top bit set half the time, non-canonical values possible, about half on the twist.
        Gen.Select(Key, Key).Sample((k, u) => CrossCheck.X25519AgreementsEqual(k, u, managed, sodium, xeddsa),
            iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void X25519_agreement_with_real_keys_is_equal_across_all_three()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        Gen.Select(Key, Key).Sample((k1, k2) =>
        {
            byte[] pub2 = new byte[32], m = new byte[32], s = new byte[32], x = new byte[32], back = new byte[32], pub1 = new byte[32];
            managed.X25519DerivePublicKey(k2, pub2);
            Assert.True(managed.TryX25519Agree(k1, pub2, m));
            Assert.True(sodium.TryX25519Agree(k1, pub2, s));
            Assert.True(xeddsa.TryX25519Agree(k1, pub2, x));
            Assert.Equal(s, m);
            Assert.Equal(x, m);
            sodium.X25519DerivePublicKey(k1, pub1);
            Assert.True(managed.TryX25519Agree(k2, pub1, back));
            Assert.Equal(m, back);
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void X25519_small_order_points_are_rejected_by_all_three()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        CrossCheck.SmallOrderPointsAreRejected(0x55, managed, sodium, xeddsa);
    }

    [Fact]
    public void Ed25519_public_keys_and_signatures_are_byte_equal_to_libsodium()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        // managed verifies libsodium's signature, both native backends verify managed's.
        Gen.Select(Key, Message).Sample((seed, msg) => CrossCheck.Ed25519KeysAndSignaturesEqual(seed, msg, managed, sodium, xeddsa),
            iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Birational_maps_equal_libsodium()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        // Public and secret key maps on real keys.
        Key.Sample(seed => CrossCheck.BirationalMapsEqual(seed, managed, sodium, xeddsa), iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Ed25519_to_Curve25519_verdicts_equal_libsodium_on_arbitrary_encodings()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out _)) return;
        // Random 32 bytes: about half are not points, and of the points 7 in 8 carry a torsion component.
        Key.Sample(junk =>
        {
            byte[] uM = new byte[32], uS = new byte[32];
            bool okM = managed.TryEd25519PublicKeyToCurve25519(junk, uM);
            bool okS = sodium.TryEd25519PublicKeyToCurve25519(junk, uS);
            Assert.True(okM == okS, $"managed {okM}, libsodium {okS} for Ed25519 key {Hex(junk)}");
            if (okS) Assert.Equal(uS, uM);
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    /// <summary>
    /// Points with a torsion component. libsodium's fix for CVE-2025-69277 (Debian 1.0.18-1+deb12u1, upstream
    /// 1.0.21) makes <c>crypto_sign_ed25519_pk_to_curve25519</c> require [L]A to be the identity (X = 0 and Y = Z),
    /// so an order-2 component is rejected too; before the fix only X = 0 was checked and order-2 components passed.
    /// </summary>
    [Theory]
    [InlineData("5866666666666666666666666666666666666666666666666666666666666666", true)]  // B, prime order
    [InlineData("9599999999999999999999999999999999999999999999999999999999999999", false)] // B + order-2 point
    [InlineData("359dbf604a3b3bedc20d5408b9d4770fbe52c922979b3178d02ab8d41c9c3a4e", false)] // 7B + order-2 point
    [InlineData("7a8828259d3478928911513e7ee3320cb7922a26249e06231199dc525adc6600", false)] // random, order-2 component (found by CsCheck)
    [InlineData("5252cc0a7f208133b620acbd4537eba2a4123bf0a8c2e4f980c3b31bb69765ea", false)] // B + order-4 point
    [InlineData("13661d745ad63221ca5da0456fa618713511dc60668aa464e55b09a20ff7fc1d", false)] // B + order-8 point
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000", false)] // identity
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false)] // order 2
    public void Ed25519_to_Curve25519_rejects_torsion_like_patched_libsodium(string hex, bool expected)
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        byte[] key = Convert.FromHexString(hex);
        byte[] u = new byte[32];
        Assert.True(expected == sodium.TryEd25519PublicKeyToCurve25519(key, u),
            "the installed libsodium disagrees; it lacks the CVE-2025-69277 fix (needs libsodium23 >= 1.0.18-1+deb12u1)");
        Assert.Equal(expected, xeddsa.TryEd25519PublicKeyToCurve25519(key, u));
        Assert.True(expected == managed.TryEd25519PublicKeyToCurve25519(key, u),
            $"managed returned {!expected} for {hex}; libsodium (CVE-2025-69277 fix) returns {expected}");
    }

    [Fact]
    public void Montgomery_to_Edwards_map_equals_the_managed_one_on_real_keys()
    {
        if (!NativeRequirement.Sodium(output)) return;
        var sodium = new SodiumCurveBackend();
        Key.Sample(k =>
        {
            byte[] u = new byte[32], edM = new byte[32], edS = new byte[32];
            managed.X25519DerivePublicKey(k, u);
            KeyConversion.Curve25519PublicKeyToEd25519(u, 0, edM);
            Assert.True(sodium.Curve25519PublicKeyToEd25519(u, edS));
            Assert.Equal(edM, edS);
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Managed_XEdDsa_signatures_verify_under_libxeddsa_and_under_libsodium_after_the_map()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        Gen.Select(Key, Message, Random64).Sample((k, msg, z) =>
        {
            (byte[] u, byte[] sig) = CrossCheck.XEdDsaSignatureVerifies(k, msg, z, managed, managed, xeddsa, sodium);
            CrossCheck.XEdDsaVerifiesAsEd25519UnderTheMap(sodium, u, msg, sig);
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void LibXEdDsa_signatures_verify_under_managed_and_are_byte_equal_to_managed_ones()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        Gen.Select(Key, Message, Random64).Sample((k, msg, z) =>
        {
            (_, byte[] sigX) = CrossCheck.XEdDsaSignatureVerifies(k, msg, z, xeddsa, managed, sodium);

            // Given the same random Z, XEdDSA is deterministic; managed documents byte-identity with libxeddsa.
            byte[] sigM = new byte[64];
            managed.XEdDsaSign(k, msg, z, sigM);
            Assert.Equal(sigX, sigM);
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void XEdDsa_keys_that_are_not_canonical_are_rejected_by_all_three()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        Gen.Select(Key, Message, Random64).Sample((k, msg, z) =>
        {
            byte[] u = new byte[32], sig = new byte[64];
            managed.X25519DerivePublicKey(k, u);
            managed.XEdDsaSign(k, msg, z, sig);
            byte[] high = WithBit255(u);                 // same X25519 point, but u >= p as an integer
            byte[] plusP = Encode(Decode(u) + P);         // u + p < 2p < 2^256: the same field element, not canonical
            foreach (ICurveBackend backend in new ICurveBackend[] { managed, sodium, xeddsa })
            {
                Assert.False(backend.XEdDsaVerify(high, msg, sig), $"{backend.Name} accepted u with bit 255 set");
                Assert.False(backend.XEdDsaVerify(plusP, msg, sig), $"{backend.Name} accepted u + p");
            }
        }, iter: 200, writeLine: output.WriteLine);
    }

    [Fact]
    public void Single_bit_flips_are_rejected_by_all_three()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        ICurveBackend[] all = [managed, sodium, xeddsa];
        Gen.Select(Key, NonEmptyMessage, Random64, Gen.Int[0, int.MaxValue]).Sample((k, msg, z, pick) =>
        {
            CrossCheck.Signatures signed = CrossCheck.Sign(k, msg, z, managed, managed);
            foreach (ICurveBackend backend in all)
            {
                Assert.True(backend.Ed25519Verify(signed.EdPublicKey, msg, signed.EdSignature));
                Assert.True(backend.XEdDsaVerify(signed.CurvePublicKey, msg, signed.XEdDsaSignature));
            }
            CrossCheck.FlipIsRejected(signed, msg, pick % CrossCheck.SignedBits(msg), all);
        }, iter: Iterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Every_single_bit_flip_of_a_few_signatures_is_rejected_by_all_three()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        // Managed signs; messages of 1, 34 and 67 bytes.
        CrossCheck.EveryBitFlipIsRejected(1234567, 33, managed, managed, managed, sodium, xeddsa);
    }

    [Fact]
    public void Shim_batches_equal_managed_single_calls()
    {
        if (!NativeRequirement.Shim(output)) return;
        var shim = new ShimBatch();
        Gen.Select(Key, Key.Array[1, 20], Gen.Byte.Array[0, 100].Array[1, 20]).Sample((k, peers, messages) =>
        {
            byte[] packed = peers.SelectMany(p => p).ToArray();
            byte[] shared = new byte[packed.Length];
            int rejected = shim.X25519Agree(k, packed, shared);
            int expectedRejected = 0;
            for (int i = 0; i < peers.Length; i++)
            {
                byte[] single = new byte[32];
                if (!managed.TryX25519Agree(k, peers[i], single)) expectedRejected++;
                Assert.Equal(single, shared.AsSpan(32 * i, 32).ToArray());
            }
            Assert.Equal(expectedRejected, rejected);

            byte[] pubs = new byte[packed.Length];
            shim.X25519DerivePublicKeys(packed, pubs);
            for (int i = 0; i < peers.Length; i++)
            {
                byte[] single = new byte[32];
                managed.X25519DerivePublicKey(peers[i], single);
                Assert.Equal(single, pubs.AsSpan(32 * i, 32).ToArray());
            }

            byte[] msgs = messages.SelectMany(m => m).ToArray();
            int[] lengths = messages.Select(m => m.Length).ToArray();
            byte[] sigs = new byte[64 * messages.Length];
            shim.Ed25519Sign(k, msgs, lengths, sigs);
            byte[] pk = new byte[32];
            managed.Ed25519DerivePublicKey(k, pk);
            for (int i = 0; i < messages.Length; i++)
            {
                byte[] single = new byte[64];
                managed.Ed25519Sign(k, messages[i], single);
                Assert.Equal(single, sigs.AsSpan(64 * i, 64).ToArray());
                Assert.True(managed.Ed25519Verify(pk, messages[i], single));
            }
        }, iter: 200, writeLine: output.WriteLine);
    }

    [Fact]
    public void Argument_size_policy_matches_the_managed_backend()
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output, out var sodium, out var xeddsa)) return;
        var cases = new (string Name, Func<ICurveBackend, bool> Call)[]
        {
            ("X25519DerivePublicKey short key", b => { b.X25519DerivePublicKey(new byte[31], new byte[32]); return true; }),
            ("X25519DerivePublicKey long key", b => { b.X25519DerivePublicKey(new byte[33], new byte[32]); return true; }),
            ("X25519DerivePublicKey short output", b => { b.X25519DerivePublicKey(new byte[32], new byte[31]); return true; }),
            ("TryX25519Agree short peer", b => b.TryX25519Agree(new byte[32], new byte[31], new byte[32])),
            ("TryX25519Agree short output", b => b.TryX25519Agree(new byte[32], Nine(), new byte[31])),
            ("Ed25519DerivePublicKey long seed", b => { b.Ed25519DerivePublicKey(new byte[33], new byte[32]); return true; }),
            ("Ed25519DerivePublicKey short seed", b => { b.Ed25519DerivePublicKey(new byte[31], new byte[32]); return true; }),
            ("Ed25519Sign short output", b => { b.Ed25519Sign(new byte[32], [1], new byte[63]); return true; }),
            ("Ed25519Verify short key", b => b.Ed25519Verify(new byte[31], [1], new byte[64])),
            ("Ed25519Verify long signature", b => b.Ed25519Verify(new byte[32], [1], new byte[65])),
            ("TryEd25519PublicKeyToCurve25519 short input", b => b.TryEd25519PublicKeyToCurve25519(new byte[31], new byte[32])),
            ("TryEd25519PublicKeyToCurve25519 short output", b => b.TryEd25519PublicKeyToCurve25519(new byte[32], new byte[31])),
            ("Ed25519SeedToCurve25519 long seed", b => { b.Ed25519SeedToCurve25519(new byte[33], new byte[32]); return true; }),
            ("XEdDsaVerify short key", b => b.XEdDsaVerify(new byte[31], [1], new byte[64])),
            ("XEdDsaVerify short signature", b => b.XEdDsaVerify(Nine(), [1], new byte[63])),
        };
        foreach (var (name, call) in cases)
        {
            string expected = Outcome(() => call(managed));
            Assert.True(expected == Outcome(() => call(sodium)), $"{name}: managed {expected}, libsodium {Outcome(() => call(sodium))}");
            Assert.True(expected == Outcome(() => call(xeddsa)), $"{name}: managed {expected}, libxeddsa {Outcome(() => call(xeddsa))}");
        }
        foreach (var (key, random) in new[] { (33, 64), (31, 64), (32, 63), (32, 65) })
        {
            string expected = Outcome(() => { managed.XEdDsaSign(new byte[key], [1], new byte[random], new byte[64]); return true; });
            string actual = Outcome(() => { xeddsa.XEdDsaSign(new byte[key], [1], new byte[random], new byte[64]); return true; });
            Assert.True(expected == actual, $"XEdDsaSign key {key} random {random}: managed {expected}, libxeddsa {actual}");
        }

        static byte[] Nine()
        {
            byte[] u = new byte[32];
            u[0] = 9;
            return u;
        }

        static string Outcome(Func<bool> call)
        {
            try
            {
                return call() ? "true" : "false";
            }
            catch (ArgumentException)
            {
                return "ArgumentException";
            }
        }
    }
}
