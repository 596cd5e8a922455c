using System.Security.Cryptography;
using Omemo.Crypto.Curve25519;

namespace Omemo.Crypto;

/// <summary>
/// XEdDSA (Signal's "The XEdDSA and VXEdDSA Signature Schemes", rev. 1): Ed25519-compatible signatures made
/// with an X25519 private key and checked against an X25519 public key.
/// <para>
/// Signing: the private key k is clamped; E = [k]B; when E's sign bit is 1 the scalar is negated
/// (a = -k mod L, otherwise a = k as clamped, unreduced - both chosen with masks), so that A = (E.y, sign 0);
/// r = SHA-512(0xFE || 0xFF * 31 || a || M || Z) mod L with 64 random bytes Z; R = [r]B;
/// h = SHA-512(R || A || M) mod L; s = h a + r mod L. Hashing the unreduced clamped k (the specification
/// writes k mod q) is what libxeddsa / python-xeddsa (<c>ed25519_priv_sign(priv_force_sign(k, False), M, Z)</c>)
/// and libsignal-protocol-c's xed25519_sign do; signatures are byte-identical to theirs for the same Z.
/// s &lt; L, so the top bit of byte 63 is 0.
/// </para>
/// <para>
/// Verification (<see cref="Verify"/>): rejects u &gt;= p (u is read as a 256-bit integer, so a set top bit is
/// rejected), a signature with the top bit of byte 63 set, s &gt;= L (which covers the specification's
/// s &gt;= 2^253), u values that do not map to a curve point (convert_mont with sign 0), and then applies the
/// <see cref="Ed25519"/> policy to A and R (small-order A or R rejected) with the cofactorless equation
/// R = [s]B - [h]A compared as encodings. This is the specification plus libsodium's checks, i.e. exactly what
/// python-xeddsa's users do (<c>ed25519_verify(sig, curve25519_pub_to_ed25519_pub(u, False), M)</c>), except
/// that a non-canonical u is refused rather than reduced.
/// </para>
/// <para>
/// <see cref="VerifyLibsignal"/> accepts libsignal's variant, where signers do not negate their key and instead
/// carry the Ed25519 sign bit of A in the top bit of byte 63: that bit selects the sign of A and is cleared
/// before s is checked; every other rule is the same.
/// </para>
/// </summary>
public static class XEdDsa
{
    /// <summary>Size in bytes of a signature (R || s).</summary>
    public const int SignatureSize = 64;

    /// <summary>Size in bytes of the random input Z of <see cref="Sign(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>.</summary>
    public const int RandomSize = 64;

    // hash_1's prefix: 2^256 - 1 - 1 in little endian, i.e. 0xFE followed by 31 bytes of 0xFF.
    private static ReadOnlySpan<byte> Hash1Prefix =>
    [
        0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ];

    /// <summary>
    /// Signs <paramref name="message"/> with a Curve25519 private key (clamped on use) and 64 caller-supplied
    /// random bytes <paramref name="random"/> (deterministic given them; use fresh randomness for every signature).
    /// Constant time with respect to the key and the random bytes.
    /// </summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes, <paramref name="random"/> is not 64 bytes, or <paramref name="signature"/> is too short.</exception>
    public static void Sign(ReadOnlySpan<byte> curve25519PrivateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random, Span<byte> signature)
    {
        if (curve25519PrivateKey.Length != X25519.KeySize)
            throw new ArgumentException($"Curve25519 private keys are {X25519.KeySize} bytes.", nameof(curve25519PrivateKey));
        if (random.Length != RandomSize)
            throw new ArgumentException($"XEdDSA needs exactly {RandomSize} random bytes.", nameof(random));
        Ed25519.CheckOutput(signature.Length, SignatureSize, nameof(signature));

        Span<byte> a = stackalloc byte[Scalar.Size];
        Span<byte> negated = stackalloc byte[Scalar.Size];
        Span<byte> publicKey = stackalloc byte[Ed25519.PublicKeySize];
        Span<byte> wide = stackalloc byte[Sha512Hasher.HashSize];
        Span<byte> nonce = stackalloc byte[Scalar.Size];

        // calculate_key_pair
        curve25519PrivateKey.CopyTo(a);
        X25519.Clamp(a);
        EdwardsBasepointTable.Multiply(out EdwardsPoint e, a);
        EdwardsPoint.Encode(publicKey, e);
        Scalar.Negate(negated, a);
        byte negate = (byte)(0 - (publicKey[31] >> 7));  // 0xff when E's sign bit is 1
        for (int i = 0; i < Scalar.Size; i++) a[i] ^= (byte)((a[i] ^ negated[i]) & negate);
        publicKey[31] &= 0x7f;

        Sha512Hasher.Hash(wide, Hash1Prefix, a, message, random);
        Scalar.Reduce(nonce, wide);
        Ed25519.SignWithNonce(a, publicKey, nonce, message, signature);

        CryptographicOperations.ZeroMemory(a);
        CryptographicOperations.ZeroMemory(negated);
        CryptographicOperations.ZeroMemory(wide);
        CryptographicOperations.ZeroMemory(nonce);
    }

    /// <summary>Signs like <see cref="Sign(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/> with 64 fresh bytes from <see cref="RandomNumberGenerator"/>.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes or <paramref name="signature"/> is too short.</exception>
    public static void Sign(ReadOnlySpan<byte> curve25519PrivateKey, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Span<byte> random = stackalloc byte[RandomSize];
        RandomNumberGenerator.Fill(random);
        Sign(curve25519PrivateKey, message, random, signature);
        CryptographicOperations.ZeroMemory(random);
    }

    /// <summary>
    /// Strict XEdDSA verification against a Curve25519 public key (sign bit of A taken as 0; the top bit of
    /// byte 63 must be 0). See <see cref="XEdDsa"/> for the exact rules. Returns false (never throws) for
    /// inputs of the wrong length. Variable time: every input is public.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> curve25519PublicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (curve25519PublicKey.Length != X25519.KeySize || signature.Length != SignatureSize) return false;
        if ((signature[63] & 0x80) != 0) return false;
        return VerifyWithSign(curve25519PublicKey, message, signature[..32], signature[32..], 0);
    }

    /// <summary>
    /// Verification of libsignal-style signatures, which carry the Ed25519 sign bit of A in the top bit of
    /// byte 63 (that bit selects the sign of A and is cleared before s is checked). A strict XEdDSA signature
    /// (bit 0) is accepted exactly when <see cref="Verify"/> accepts it. Returns false for inputs of the wrong length.
    /// </summary>
    public static bool VerifyLibsignal(ReadOnlySpan<byte> curve25519PublicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (curve25519PublicKey.Length != X25519.KeySize || signature.Length != SignatureSize) return false;
        Span<byte> s = stackalloc byte[Scalar.Size];
        signature[32..].CopyTo(s);
        int sign = s[31] >> 7;
        s[31] &= 0x7f;
        return VerifyWithSign(curve25519PublicKey, message, signature[..32], s, sign);
    }

    private static bool VerifyWithSign(ReadOnlySpan<byte> u, ReadOnlySpan<byte> message, ReadOnlySpan<byte> r, ReadOnlySpan<byte> s, int sign)
    {
        Span<byte> publicKey = stackalloc byte[Ed25519.PublicKeySize];
        if (!KeyConversion.TryMontgomeryToEdwards(u, sign, publicKey, out EdwardsPoint a)) return false;
        if (EdwardsPoint.HasSmallOrderEncoding(publicKey)) return false;
        return Ed25519.VerifyWithPoint(publicKey, a, message, r, s);
    }
}
