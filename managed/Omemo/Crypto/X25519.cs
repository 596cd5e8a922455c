using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Omemo.Crypto.Curve25519;
using Omemo.Errors;

namespace Omemo.Crypto;

/// <summary>
/// X25519 Diffie-Hellman (RFC 7748) over raw 32-byte keys, constant time and allocation-free.
/// Private keys are clamped on use, public keys (u-coordinates) have their top bit masked and may be
/// non-canonical, exactly as RFC 7748 section 5 requires.
/// </summary>
public static class X25519
{
    /// <summary>Size in bytes of private keys, public keys and shared secrets.</summary>
    public const int KeySize = 32;

    private const uint A24 = 121665; // (486662 - 2) / 4, RFC 7748's a24

    /// <summary>Fills <paramref name="privateKey"/> with a fresh clamped private key from <see cref="RandomNumberGenerator"/>.</summary>
    public static void GeneratePrivateKey(Span<byte> privateKey)
    {
        CheckLength(privateKey.Length, nameof(privateKey));
        RandomNumberGenerator.Fill(privateKey[..KeySize]);
        Clamp(privateKey);
    }

    /// <summary>Clamps a private key in place (clear bits 0-2 and 255, set bit 254).</summary>
    public static void Clamp(Span<byte> privateKey)
    {
        privateKey[0] &= 248;
        privateKey[31] &= 127;
        privateKey[31] |= 64;
    }

    /// <summary>
    /// Computes the public key X25519(privateKey, 9). Same result as the ladder on u = 9, computed faster on
    /// the birationally equivalent Edwards curve: the constant-time fixed-base multiple [k]B of the Ed25519
    /// base point (whose u is 9) for the clamped k, mapped back with u = (Z + Y) / (Z - Y).
    /// </summary>
    public static void DerivePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        CheckLength(privateKey.Length, nameof(privateKey));
        CheckLength(publicKey.Length, nameof(publicKey));
        Span<byte> k = stackalloc byte[KeySize];
        ClampedCopy(privateKey, k);
        EdwardsBasepointTable.Multiply(out EdwardsPoint p, k);
        CryptographicOperations.ZeroMemory(k);
        // A clamped k is a non-zero multiple of 8 below 8L, so [k]B is never the identity and Z - Y != 0.
        FieldElement.Add(out FieldElement num, p.Z, p.Y);
        FieldElement.Sub(out FieldElement den, p.Z, p.Y);
        FieldElement.Invert(out FieldElement denInv, den);
        FieldElement.Mul(out FieldElement u, num, denInv);
        FieldElement.ToBytes(publicKey, u);
    }

    /// <summary>
    /// The raw RFC 7748 function X25519(scalar, u): clamps the scalar and multiplies the point with
    /// u-coordinate <paramref name="u"/>. Performs no check of the result; prefer <see cref="TryAgree"/> for key agreement.
    /// </summary>
    public static void ScalarMult(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> u, Span<byte> output)
    {
        CheckLength(scalar.Length, nameof(scalar));
        CheckLength(u.Length, nameof(u));
        CheckLength(output.Length, nameof(output));

        Span<byte> k = stackalloc byte[KeySize];
        ClampedCopy(scalar, k);
        FieldElement.FromBytes(out FieldElement x1, u);
        Ladder(out FieldElement x2, out FieldElement z2, k, x1);
        CryptographicOperations.ZeroMemory(k);

        FieldElement.Invert(out FieldElement zInv, z2);
        FieldElement.Mul(out FieldElement result, x2, zInv);
        FieldElement.ToBytes(output, result);
    }

    /// <summary>
    /// Key agreement: writes X25519(privateKey, peerPublicKey) to <paramref name="sharedSecret"/>. Returns false,
    /// with the output zeroed, when the result is all zero (the peer sent a small-order point).
    /// The check runs in constant time.
    /// </summary>
    public static bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        ScalarMult(privateKey, peerPublicKey, sharedSecret);
        byte acc = 0;
        for (int i = 0; i < KeySize; i++) acc |= sharedSecret[i];
        if (acc == 0) // the result is public knowledge here (all zero), so branching on it leaks nothing
        {
            return false;
        }
        return true;
    }

    /// <summary>Like <see cref="TryAgree"/> but throws <see cref="InvalidKeyException"/> for a small-order peer key.</summary>
    public static void Agree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        if (!TryAgree(privateKey, peerPublicKey, sharedSecret))
            throw new InvalidKeyException("X25519 peer public key is a small-order point (shared secret is all zero).");
    }

    // RFC 7748 section 5 Montgomery ladder on the clamped scalar k; returns the projective (x2 : z2).
    private static void Ladder(out FieldElement x2, out FieldElement z2, ReadOnlySpan<byte> k, in FieldElement x1)
    {
        x2 = FieldElement.One;
        z2 = FieldElement.Zero;
        FieldElement x3 = x1;
        FieldElement z3 = FieldElement.One;
        ulong swap = 0;
        for (int t = 254; t >= 0; t--)
        {
            ulong bit = (ulong)((k[t >> 3] >> (t & 7)) & 1);
            swap ^= bit;
            FieldElement.ConditionalSwap(ref x2, ref x3, swap);
            FieldElement.ConditionalSwap(ref z2, ref z3, swap);
            swap = bit;

            FieldElement.Add(out FieldElement a, x2, z2);
            FieldElement.Square(out FieldElement aa, a);
            FieldElement.Sub(out FieldElement b, x2, z2);
            FieldElement.Square(out FieldElement bb, b);
            FieldElement.Sub(out FieldElement e, aa, bb);
            FieldElement.Add(out FieldElement c, x3, z3);
            FieldElement.Sub(out FieldElement d, x3, z3);
            FieldElement.Mul(out FieldElement da, d, a);
            FieldElement.Mul(out FieldElement cb, c, b);

            FieldElement.Add(out FieldElement sum, da, cb);
            FieldElement.Square(out x3, sum);
            FieldElement.Sub(out FieldElement diff, da, cb);
            FieldElement.Square(out FieldElement diff2, diff);
            FieldElement.Mul(out z3, x1, diff2);
            FieldElement.Mul(out x2, aa, bb);
            FieldElement.MulSmall(out FieldElement a24e, e, A24);
            FieldElement.Add(out FieldElement t2, aa, a24e);
            FieldElement.Mul(out z2, e, t2);
        }
        FieldElement.ConditionalSwap(ref x2, ref x3, swap);
        FieldElement.ConditionalSwap(ref z2, ref z3, swap);
    }

    // k = the clamped first 32 bytes of the scalar (the caller wipes k).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ClampedCopy(ReadOnlySpan<byte> scalar, Span<byte> k)
    {
        scalar[..KeySize].CopyTo(k);
        Clamp(k);
    }

    private static void CheckLength(int length, string name)
    {
        if (length < KeySize) throw new ArgumentException($"X25519 keys are {KeySize} bytes.", name);
    }
}
