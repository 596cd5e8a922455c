using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Native;
using static Omemo.InteropTests.Crypto.CurveTestData;

namespace Omemo.InteropTests.Crypto;

/// <summary>
/// The checks that <see cref="ManagedVsNativeTests"/> (managed against both native backends) and
/// <see cref="NativeCrossCheckTests"/> (the native backends against each other) both make, with the backends as
/// parameters: a <c>reference</c> whose results the <c>others</c> must equal, the <c>signer</c>s and the
/// <c>verifiers</c>. The per-sample checks are called from the tests' CsCheck properties, which keep their
/// generators and iteration counts.
/// </summary>
internal static class CrossCheck
{
    /// <summary>Ed25519 and XEdDSA signatures (with their public keys) of one message from one seed.</summary>
    public sealed record Signatures(byte[] EdPublicKey, byte[] EdSignature, byte[] CurvePublicKey, byte[] XEdDsaSignature);

    /// <summary>Every backend derives the same X25519 public key from <paramref name="privateKey"/>.</summary>
    public static void X25519PublicKeysEqual(byte[] privateKey, ICurveBackend reference, params ICurveBackend[] others) =>
        SameFromAll(32, reference, others, (backend, publicKey) => backend.X25519DerivePublicKey(privateKey, publicKey));

    /// <summary>Every backend gives the same verdict and the same (possibly zeroed) shared secret for X25519(k, u).</summary>
    public static void X25519AgreementsEqual(byte[] k, byte[] u, ICurveBackend reference, params ICurveBackend[] others)
    {
        byte[] expected = new byte[32];
        bool ok = reference.TryX25519Agree(k, u, expected);
        foreach (ICurveBackend other in others)
        {
            byte[] actual = new byte[32];
            Assert.Equal(ok, other.TryX25519Agree(k, u, actual));
            Assert.Equal(expected, actual);
        }
    }

    /// <summary>
    /// Runs <paramref name="compute"/> (which writes <paramref name="size"/> bytes) on every backend; every other
    /// backend's bytes must equal the reference's, which are returned.
    /// </summary>
    private static byte[] SameFromAll(int size, ICurveBackend reference, ICurveBackend[] others, Action<ICurveBackend, byte[]> compute)
    {
        byte[] expected = new byte[size];
        compute(reference, expected);
        foreach (ICurveBackend other in others)
        {
            byte[] actual = new byte[size];
            compute(other, actual);
            Assert.Equal(expected, actual);
        }
        return expected;
    }

    /// <summary>
    /// Every backend refuses every small-order u with a random private key and zeroes the output, which starts out
    /// filled with <paramref name="fill"/>.
    /// </summary>
    public static void SmallOrderPointsAreRejected(byte fill, params ICurveBackend[] backends)
    {
        byte[] k = new byte[32];
        RandomNumberGenerator.Fill(k);
        foreach (byte[] u in SmallOrderPoints())
        {
            foreach (ICurveBackend backend in backends)
            {
                byte[] shared = Enumerable.Repeat(fill, 32).ToArray();
                Assert.False(backend.TryX25519Agree(k, u, shared), $"{backend.Name} accepted small-order u={Hex(u)}");
                Assert.All(shared, b => Assert.Equal(0, b));
            }
        }
    }

    /// <summary>
    /// Every backend derives the same Ed25519 public key and the same signature of <paramref name="message"/>, and
    /// accepts that signature (which is therefore every other backend's as well).
    /// </summary>
    public static void Ed25519KeysAndSignaturesEqual(byte[] seed, byte[] message, ICurveBackend reference, params ICurveBackend[] others)
    {
        byte[] publicKey = SameFromAll(32, reference, others, (backend, pk) => backend.Ed25519DerivePublicKey(seed, pk));
        byte[] signature = SameFromAll(64, reference, others, (backend, sig) => backend.Ed25519Sign(seed, message, sig));
        Assert.True(reference.Ed25519Verify(publicKey, message, signature));
        foreach (ICurveBackend other in others)
        {
            Assert.True(other.Ed25519Verify(publicKey, message, signature));
        }
    }

    /// <summary>
    /// Both Ed25519-to-Curve25519 maps agree on the keys of <paramref name="seed"/> (the reference derives the
    /// Ed25519 public key), and they commute with key derivation: X25519(seed → sk) == map(Ed25519(seed)).
    /// Returns the reference's Curve25519 private key.
    /// </summary>
    public static byte[] BirationalMapsEqual(byte[] seed, ICurveBackend reference, params ICurveBackend[] others)
    {
        byte[] edPk = new byte[32];
        reference.Ed25519DerivePublicKey(seed, edPk);
        byte[] u = SameFromAll(32, reference, others, (backend, cu) => Assert.True(backend.TryEd25519PublicKeyToCurve25519(edPk, cu)));
        byte[] sk = SameFromAll(32, reference, others, (backend, x) => backend.Ed25519SeedToCurve25519(seed, x));

        byte[] x = new byte[32];
        reference.X25519DerivePublicKey(sk, x);
        Assert.Equal(u, x);
        return sk;
    }

    /// <summary>
    /// The signer's X25519 public key and XEdDSA signature of <paramref name="message"/> (randomness
    /// <paramref name="z"/>), which every verifier accepts.
    /// </summary>
    public static (byte[] U, byte[] Signature) XEdDsaSignatureVerifies(byte[] k, byte[] message, byte[] z,
        ICurveBackend signer, params ICurveBackend[] verifiers)
    {
        byte[] u = new byte[32], signature = new byte[64];
        signer.X25519DerivePublicKey(k, u);
        signer.XEdDsaSign(k, message, z, signature);
        foreach (ICurveBackend verifier in verifiers)
        {
            Assert.True(verifier.XEdDsaVerify(u, message, signature), $"{verifier.Name} rejected a {signer.Name} XEdDSA signature");
        }
        return (u, signature);
    }

    /// <summary>
    /// XEdDSA verification through libsodium spelled out: Curve25519 public key → Ed25519 public key with sign
    /// bit 0 → <c>crypto_sign_verify_detached</c>.
    /// </summary>
    public static void XEdDsaVerifiesAsEd25519UnderTheMap(SodiumCurveBackend sodium, byte[] u, byte[] message, byte[] signature)
    {
        byte[] ed = new byte[32];
        Assert.True(sodium.Curve25519PublicKeyToEd25519(u, ed));
        Assert.Equal(0, ed[31] & 0x80);
        Assert.True(sodium.Ed25519Verify(ed, message, signature));
    }

    /// <summary>
    /// Ed25519 (by <paramref name="edSigner"/>) and XEdDSA (by <paramref name="xSigner"/>) signatures of
    /// <paramref name="message"/>, both from the 32 bytes <paramref name="seed"/>.
    /// </summary>
    public static Signatures Sign(byte[] seed, byte[] message, byte[] z, ICurveBackend edSigner, ICurveBackend xSigner)
    {
        var signed = new Signatures(new byte[32], new byte[64], new byte[32], new byte[64]);
        edSigner.Ed25519DerivePublicKey(seed, signed.EdPublicKey);
        edSigner.Ed25519Sign(seed, message, signed.EdSignature);
        xSigner.X25519DerivePublicKey(seed, signed.CurvePublicKey);
        xSigner.XEdDsaSign(seed, message, z, signed.XEdDsaSignature);
        return signed;
    }

    /// <summary>How many bits a signature covers with its message: the 512 of the signature, then the message's.</summary>
    public static int SignedBits(byte[] message) => (64 + message.Length) * 8;

    /// <summary>The message and signature with one of their <see cref="SignedBits"/> flipped.</summary>
    public static (byte[] Message, byte[] Signature) FlipSignedBit(byte[] message, byte[] signature, int bit) =>
        bit < 512 ? (message, FlipBit(signature, bit)) : (FlipBit(message, bit - 512), signature);

    /// <summary>Every verifier rejects both signatures of <paramref name="message"/> with bit <paramref name="bit"/> flipped.</summary>
    public static void FlipIsRejected(Signatures signed, byte[] message, int bit, params ICurveBackend[] verifiers)
    {
        (byte[] m, byte[] es) = FlipSignedBit(message, signed.EdSignature, bit);
        (_, byte[] xs) = FlipSignedBit(message, signed.XEdDsaSignature, bit);
        foreach (ICurveBackend backend in verifiers)
        {
            Assert.False(backend.Ed25519Verify(signed.EdPublicKey, m, es), $"{backend.Name} Ed25519 accepted flip of bit {bit}");
            Assert.False(backend.XEdDsaVerify(signed.CurvePublicKey, m, xs), $"{backend.Name} XEdDSA accepted flip of bit {bit}");
        }
    }

    /// <summary>
    /// Three rounds of seeds, messages (1, 1 + <paramref name="messageGrowth"/>, 1 + 2 <paramref name="messageGrowth"/>
    /// bytes) and randomness from <c>new Random(<paramref name="rngSeed"/>)</c>; every single bit flip of their
    /// signatures (and messages) is rejected by every verifier.
    /// </summary>
    public static void EveryBitFlipIsRejected(int rngSeed, int messageGrowth, ICurveBackend edSigner, ICurveBackend xSigner,
        params ICurveBackend[] verifiers)
    {
        var rng = new Random(rngSeed);
        for (int round = 0; round < 3; round++)
        {
            byte[] seed = new byte[32], message = new byte[1 + round * messageGrowth], z = new byte[64];
            rng.NextBytes(seed);
            rng.NextBytes(message);
            rng.NextBytes(z);
            Signatures signed = Sign(seed, message, z, edSigner, xSigner);
            for (int bit = 0; bit < SignedBits(message); bit++)
            {
                FlipIsRejected(signed, message, bit, verifiers);
            }
        }
    }
}
