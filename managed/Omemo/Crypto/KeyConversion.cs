using System.Security.Cryptography;
using Omemo.Crypto.Curve25519;
using Omemo.Errors;

namespace Omemo.Crypto;

/// <summary>
/// Conversions between Ed25519 and Curve25519 (X25519) keys through the birational map
/// u = (1 + y) / (1 - y), y = (u - 1) / (u + 1) (RFC 7748 section 4.1), as libsodium and XEdDSA use them.
/// </summary>
public static class KeyConversion
{
    /// <summary>
    /// Maps an Ed25519 public key to its Curve25519 form u = (1 + y) / (1 - y), with results identical to
    /// libsodium's <c>crypto_sign_ed25519_pk_to_curve25519</c>: returns false for keys of the wrong length,
    /// keys whose y is that of a small-order point (any encoding), keys that do not decode to a curve point,
    /// and keys outside the prime-order subgroup ([L]A is not the identity, i.e. A has a torsion component).
    /// A y &gt;= p is reduced, as libsodium does. (libsodium up to 1.0.20 only tested x = 0 for [L]A, letting an
    /// order-2 component through; its fix, also in Debian's 1.0.18-1+deb12u1, tests the full identity, as here.)
    /// Variable time: the key is public.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="curve25519PublicKey"/> is shorter than 32 bytes.</exception>
    public static bool TryEd25519PublicKeyToCurve25519(ReadOnlySpan<byte> ed25519PublicKey, Span<byte> curve25519PublicKey)
    {
        Ed25519.CheckOutput(curve25519PublicKey.Length, X25519.KeySize, nameof(curve25519PublicKey));
        if (ed25519PublicKey.Length != Ed25519.PublicKeySize) return false;
        if (EdwardsPoint.HasSmallOrderEncoding(ed25519PublicKey)) return false;
        if (!EdwardsPoint.TryDecode(out EdwardsPoint a, ed25519PublicKey, requireCanonical: false)) return false;
        EdwardsVartime.Multiply(out EdwardsPoint la, Scalar.Order, a);
        if (EdwardsPoint.IsIdentity(la) == 0) return false;

        // Decoded points have Z = 1, so y = a.Y.
        FieldElement.Add(out FieldElement num, FieldElement.One, a.Y);
        FieldElement.Sub(out FieldElement den, FieldElement.One, a.Y);
        FieldElement.Invert(out FieldElement denInv, den);
        FieldElement.Mul(out FieldElement u, num, denInv);
        FieldElement.ToBytes(curve25519PublicKey, u);
        return true;
    }

    /// <summary>
    /// Derives the X25519 private key belonging to an Ed25519 seed: the clamped first half of SHA-512(seed),
    /// exactly libsodium's <c>crypto_sign_ed25519_sk_to_curve25519</c>. Its X25519 public key is the
    /// <see cref="TryEd25519PublicKeyToCurve25519"/> image of the seed's Ed25519 public key.
    /// </summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes or the output is too short.</exception>
    public static void Ed25519SeedToCurve25519(ReadOnlySpan<byte> seed, Span<byte> curve25519PrivateKey)
        => Ed25519SeedToScalar(seed, curve25519PrivateKey);

    /// <summary>
    /// Writes the RFC 8032 secret scalar of an Ed25519 seed: the first 32 bytes of SHA-512(seed), clamped
    /// (bits 0-2 and 255 cleared, bit 254 set). The public key is [scalar]B. The same bytes are the seed's
    /// X25519 private key (see <see cref="Ed25519SeedToCurve25519"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes or the output is too short.</exception>
    public static void Ed25519SeedToScalar(ReadOnlySpan<byte> seed, Span<byte> scalar)
    {
        if (seed.Length != Ed25519.SeedSize) throw new ArgumentException($"Ed25519 seeds are {Ed25519.SeedSize} bytes.", nameof(seed));
        Ed25519.CheckOutput(scalar.Length, Scalar.Size, nameof(scalar));
        Span<byte> expanded = stackalloc byte[Sha512Hasher.HashSize];
        Ed25519.ExpandSeed(seed, expanded);
        expanded[..Scalar.Size].CopyTo(scalar);
        CryptographicOperations.ZeroMemory(expanded);
    }

    /// <summary>
    /// Maps a Curve25519 public key u to the Ed25519 public key with y = (u - 1) / (u + 1) and the given
    /// sign bit (the sign of x, which u does not determine; XEdDSA uses 0).
    /// </summary>
    /// <exception cref="InvalidKeyException">
    /// u is not canonical (u &gt;= p, including a set top bit), u = -1 (no Edwards image), the point is not on
    /// the curve (u on the twist), or it has small order.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="signBit"/> is neither 0 nor 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="curve25519PublicKey"/> is not 32 bytes or the output is too short.</exception>
    public static void Curve25519PublicKeyToEd25519(ReadOnlySpan<byte> curve25519PublicKey, byte signBit, Span<byte> ed25519PublicKey)
    {
        if (curve25519PublicKey.Length != X25519.KeySize)
            throw new ArgumentException($"Curve25519 public keys are {X25519.KeySize} bytes.", nameof(curve25519PublicKey));
        if (signBit > 1) throw new ArgumentOutOfRangeException(nameof(signBit), "The sign bit must be 0 or 1.");
        Ed25519.CheckOutput(ed25519PublicKey.Length, Ed25519.PublicKeySize, nameof(ed25519PublicKey));
        Span<byte> encoded = stackalloc byte[Ed25519.PublicKeySize];
        if (!TryMontgomeryToEdwards(curve25519PublicKey, signBit, encoded, out _) || EdwardsPoint.HasSmallOrderEncoding(encoded))
            throw new InvalidKeyException("The Curve25519 public key has no valid Ed25519 counterpart (non-canonical, not on the curve, or of small order).");
        encoded.CopyTo(ed25519PublicKey);
    }

    /// <summary>
    /// XEdDSA's convert_mont with an explicit sign: rejects u &gt;= p (as a 256-bit integer), computes
    /// y = (u - 1) * inv(u + 1) (u = -1 gives y = 0, inv(0) being 0), encodes it with the sign bit and
    /// decodes it, which fails when u is not the image of a curve point. Variable time: u is public.
    /// </summary>
    internal static bool TryMontgomeryToEdwards(ReadOnlySpan<byte> u, int signBit, Span<byte> encoded, out EdwardsPoint point)
    {
        point = EdwardsPoint.Identity;
        if ((u[31] & 0x80) != 0 || !EdwardsPoint.IsCanonicalY(u)) return false;
        FieldElement.FromBytes(out FieldElement uf, u);
        FieldElement.Sub(out FieldElement num, uf, FieldElement.One);
        FieldElement.Add(out FieldElement den, uf, FieldElement.One);
        FieldElement.Invert(out FieldElement denInv, den);
        FieldElement.Mul(out FieldElement y, num, denInv);
        FieldElement.ToBytes(encoded, y);
        encoded[31] |= (byte)(signBit << 7);
        return EdwardsPoint.TryDecode(out point, encoded, requireCanonical: true);
    }
}
