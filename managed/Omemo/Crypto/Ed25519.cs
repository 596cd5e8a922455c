using System.Security.Cryptography;
using Omemo.Crypto.Curve25519;

namespace Omemo.Crypto;

/// <summary>
/// Ed25519 signatures (RFC 8032, pure Ed25519) over raw 32-byte seeds (RFC 8032 private keys) and public
/// keys. Key derivation and signing run in constant time with respect to the seed and allocate nothing;
/// secret intermediates are wiped before returning.
/// <para>
/// Verification policy, the same as libsodium's default <c>crypto_sign_verify_detached</c>: a signature
/// (R, s) on public key A is accepted only when
/// (1) s &lt; L (canonical scalar, no malleability);
/// (2) R is not the encoding of a small-order point (any of the eight, with either sign bit, including the
/// non-canonical encodings y + p);
/// (3) A is canonical (its y is below p) and is not the encoding of a small-order point;
/// (4) A decodes to a curve point; and
/// (5) the cofactorless equation [s]B = R + [k]A holds for k = SHA-512(R || A || M) mod L, checked by
/// encoding [s]B - [k]A and comparing it with R byte for byte (so a non-canonical R never verifies).
/// </para>
/// </summary>
public static class Ed25519
{
    /// <summary>Size in bytes of a seed (the RFC 8032 private key).</summary>
    public const int SeedSize = 32;

    /// <summary>Size in bytes of a public key (an encoded point).</summary>
    public const int PublicKeySize = 32;

    /// <summary>Size in bytes of a signature (R || s).</summary>
    public const int SignatureSize = 64;

    /// <summary>Fills <paramref name="seed"/> (at least <see cref="SeedSize"/> bytes) with a fresh seed from <see cref="RandomNumberGenerator"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is shorter than <see cref="SeedSize"/>.</exception>
    public static void GenerateSeed(Span<byte> seed)
    {
        CheckOutput(seed.Length, SeedSize, nameof(seed));
        RandomNumberGenerator.Fill(seed[..SeedSize]);
    }

    /// <summary>Writes the public key [a]B of <paramref name="seed"/>, a being the clamped first half of SHA-512(seed).</summary>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not <see cref="SeedSize"/> bytes or <paramref name="publicKey"/> is too short.</exception>
    public static void DerivePublicKey(ReadOnlySpan<byte> seed, Span<byte> publicKey)
    {
        CheckSeed(seed);
        CheckOutput(publicKey.Length, PublicKeySize, nameof(publicKey));
        Span<byte> expanded = stackalloc byte[Sha512Hasher.HashSize];
        ExpandSeed(seed, expanded);
        EdwardsBasepointTable.Multiply(out EdwardsPoint a, expanded[..32]);
        CryptographicOperations.ZeroMemory(expanded);
        EdwardsPoint.Encode(publicKey, a);
    }

    /// <summary>
    /// Signs <paramref name="message"/> with the key given by its seed (deterministic RFC 8032 signature,
    /// byte-identical to libsodium's and BouncyCastle's). The public key is re-derived from the seed, so a
    /// mismatched public key can never be used.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not <see cref="SeedSize"/> bytes or <paramref name="signature"/> is too short.</exception>
    public static void Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        CheckSeed(seed);
        CheckOutput(signature.Length, SignatureSize, nameof(signature));
        Span<byte> expanded = stackalloc byte[Sha512Hasher.HashSize];
        Span<byte> publicKey = stackalloc byte[PublicKeySize];
        Span<byte> wide = stackalloc byte[Sha512Hasher.HashSize];
        Span<byte> nonce = stackalloc byte[Scalar.Size];

        ExpandSeed(seed, expanded);
        Sha512Hasher.Hash(wide, expanded[32..], message);   // r = SHA-512(prefix || M) mod L
        Scalar.Reduce(nonce, wide);
        // A = [a]B and R = [r]B are independent: encode both with a single shared inversion.
        EdwardsBasepointTable.Multiply(out EdwardsPoint a, expanded[..32]);
        EdwardsBasepointTable.Multiply(out EdwardsPoint r, nonce);
        Span<byte> rEncoded = stackalloc byte[32];
        EdwardsPoint.EncodeBoth(publicKey, a, rEncoded, r);
        FinishSignature(expanded[..32], publicKey, nonce, rEncoded, message, signature);

        CryptographicOperations.ZeroMemory(expanded);
        CryptographicOperations.ZeroMemory(wide);
        CryptographicOperations.ZeroMemory(nonce);
    }

    /// <summary>
    /// Verifies an Ed25519 signature under the policy described on <see cref="Ed25519"/>. Returns false (never
    /// throws) for keys or signatures of the wrong length. Variable time: every input is public.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize) return false;
        if (!EdwardsPoint.IsCanonicalY(publicKey) || EdwardsPoint.HasSmallOrderEncoding(publicKey)) return false;
        if (!EdwardsPoint.TryDecode(out EdwardsPoint a, publicKey, requireCanonical: true)) return false;
        return VerifyWithPoint(publicKey, a, message, signature[..32], signature[32..]);
    }

    /// <summary>SHA-512 of the seed with the first half clamped into the secret scalar; the second half is the nonce prefix.</summary>
    internal static void ExpandSeed(ReadOnlySpan<byte> seed, Span<byte> expanded)
    {
        Sha512Hasher.Hash(expanded, seed, default);
        X25519.Clamp(expanded);
    }

    /// <summary>
    /// XEdDSA's signing tail: R = [r]B, then <see cref="FinishSignature"/>. <paramref name="scalar"/> may be any
    /// value below 2^256, <paramref name="nonce"/> must be reduced. Constant time in scalar and nonce.
    /// </summary>
    internal static void SignWithNonce(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Span<byte> r = stackalloc byte[32];
        EdwardsBasepointTable.Multiply(out EdwardsPoint rPoint, nonce);
        EdwardsPoint.Encode(r, rPoint);
        FinishSignature(scalar, publicKey, nonce, r, message, signature);
    }

    /// <summary>
    /// k = SHA-512(R || A || M) mod L, s = k a + r mod L, signature = R || s. The signature is written last,
    /// so it may overlap the message.
    /// </summary>
    private static void FinishSignature(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> r, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Span<byte> wide = stackalloc byte[Sha512Hasher.HashSize];
        Span<byte> k = stackalloc byte[Scalar.Size];
        Span<byte> s = stackalloc byte[Scalar.Size];
        Sha512Hasher.Hash(wide, r, publicKey, message);
        Scalar.Reduce(k, wide);
        Scalar.MulAdd(s, k, scalar, nonce);
        r.CopyTo(signature);
        s.CopyTo(signature[32..]);
        CryptographicOperations.ZeroMemory(s);
    }

    /// <summary>
    /// Checks (1), (2) and (5) of the policy for a public key already decoded (and vetted) by the caller;
    /// <paramref name="publicKey"/> is the encoding hashed into k.
    /// </summary>
    internal static bool VerifyWithPoint(ReadOnlySpan<byte> publicKey, in EdwardsPoint a, ReadOnlySpan<byte> message,
        ReadOnlySpan<byte> r, ReadOnlySpan<byte> s)
    {
        if (!Scalar.IsCanonical(s) || EdwardsPoint.HasSmallOrderEncoding(r)) return false;

        Span<byte> wide = stackalloc byte[Sha512Hasher.HashSize];
        Span<byte> k = stackalloc byte[Scalar.Size];
        Sha512Hasher.Hash(wide, r, publicKey, message);
        Scalar.Reduce(k, wide);

        EdwardsPoint.Negate(out EdwardsPoint minusA, a);
        EdwardsVartime.DoubleScalarMultiply(out ProjectivePoint check, k, minusA, s);   // [s]B - [k]A
        Span<byte> encoded = stackalloc byte[32];
        ProjectivePoint.Encode(encoded, check);
        return encoded.SequenceEqual(r);
    }

    private static void CheckSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize) throw new ArgumentException($"Ed25519 seeds are {SeedSize} bytes.", nameof(seed));
    }

    internal static void CheckOutput(int length, int required, string name)
    {
        if (length < required) throw new ArgumentException($"The output buffer must hold at least {required} bytes.", name);
    }
}
