using Omemo.Crypto;
using Omemo.Errors;

namespace Omemo.Keys;

/// <summary>
/// Human-comparable identity key fingerprints (XEP-0384 section 7.1): the Curve25519 form of the
/// identity key as lowercase hex, in 8 groups of 8 characters separated by spaces.
/// </summary>
public static class Fingerprint
{
    /// <summary>Length of a formatted fingerprint: 64 hex digits plus 7 separators.</summary>
    public const int Length = 71;

    /// <summary>Formats a 32-byte Curve25519 public key.</summary>
    /// <exception cref="InvalidKeyException">The key is not 32 bytes.</exception>
    public static string FromCurve25519(ReadOnlySpan<byte> curve25519PublicKey)
    {
        if (curve25519PublicKey.Length != X25519.KeySize)
            throw new InvalidKeyException($"A Curve25519 public key is {X25519.KeySize} bytes.");
        Span<char> hex = stackalloc char[64];
        Convert.TryToHexStringLower(curve25519PublicKey, hex, out _);
        return string.Create(Length, hex.ToString(), static (dest, src) =>
        {
            for (int group = 0, d = 0; group < 8; group++)
            {
                if (group > 0) dest[d++] = ' ';
                src.AsSpan(group * 8, 8).CopyTo(dest[d..]);
                d += 8;
            }
        });
    }

    /// <summary>Formats an Ed25519 identity key by first mapping it to its Curve25519 form.</summary>
    /// <exception cref="InvalidKeyException">The key is not a valid, non-small-order Ed25519 public key.</exception>
    public static string FromEd25519(ReadOnlySpan<byte> ed25519PublicKey)
    {
        if (ed25519PublicKey.Length != Ed25519.PublicKeySize)
            throw new InvalidKeyException($"An Ed25519 public key is {Ed25519.PublicKeySize} bytes.");
        Span<byte> curve = stackalloc byte[X25519.KeySize];
        if (!KeyConversion.TryEd25519PublicKeyToCurve25519(ed25519PublicKey, curve))
            throw new InvalidKeyException("The Ed25519 identity key does not decode to a valid point of prime order.");
        return FromCurve25519(curve);
    }
}
