using Omemo.Crypto;
using Omemo.Wire.Legacy;
using Omemo.Errors;
using Omemo.X3dh;
using Omemo.Xml.Legacy;

namespace Omemo.Sessions.Legacy;

/// <summary>
/// The legacy bundle's signed pre-key signature: a signature over the 33-byte wire form 0x05 || spk by the identity key.
/// Libsignal verifies it as XEdDSA with the Ed25519 sign bit taken from the top bit of byte 63; python-oldmemo and this
/// engine sign with their Ed25519 identity directly and put its sign bit there, so libsignal reconstructs exactly that
/// Ed25519 key and the signature verifies.
/// </summary>
public static class LegacySignedPreKey
{
    /// <summary>Size of the signature.</summary>
    public const int SignatureSize = Ed25519.SignatureSize;

    /// <summary>Signs the signed pre-key's wire form with <paramref name="identity"/> as legacy clients expect.</summary>
    /// <param name="identity">The identity key pair.</param>
    /// <param name="signedPreKey">The 32-byte X25519 signed pre-key.</param>
    /// <param name="signature">Receives the 64-byte signature.</param>
    /// <exception cref="ArgumentException">A size is wrong.</exception>
    public static void Sign(IdentityKeyPair identity, ReadOnlySpan<byte> signedPreKey, Span<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (signedPreKey.Length != X25519.KeySize) throw new ArgumentException($"The signed pre-key must be {X25519.KeySize} bytes.", nameof(signedPreKey));
        if (signature.Length != SignatureSize) throw new ArgumentException($"The signature must be {SignatureSize} bytes.", nameof(signature));
        Span<byte> message = stackalloc byte[LegacyWireFormat.EncodedKeySize];
        message[0] = LegacyWireFormat.KeyPrefix;
        signedPreKey.CopyTo(message[1..]);
        identity.Sign(message, signature);
        // s < 2^253, so the top bit is free: it carries the sign of the Ed25519 identity key (public information).
        signature[63] |= (byte)(identity.PublicKey[31] & 0x80);
    }

    /// <summary>
    /// The legacy bundle of a device: <paramref name="identity"/> in Curve25519 form and the signed pre-key signed with
    /// <see cref="Sign"/> (the same keys serve OMEMO 2's <see cref="Bundle"/>).
    /// </summary>
    /// <param name="identity">The identity key pair.</param>
    /// <param name="signedPreKey">The signed pre-key (its public part is used).</param>
    /// <param name="preKeys">The one-time pre-keys to publish.</param>
    /// <returns>The bundle.</returns>
    /// <exception cref="InvalidKeyException">The identity key has no Curve25519 form.</exception>
    public static LegacyBundle CreateBundle(IdentityKeyPair identity, SignedPreKey signedPreKey, IReadOnlyList<PreKeyPublic> preKeys)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(signedPreKey);
        ArgumentNullException.ThrowIfNull(preKeys);
        byte[] curve = new byte[X25519.KeySize];
        if (!KeyConversion.TryEd25519PublicKeyToCurve25519(identity.PublicKey, curve))
            throw new InvalidKeyException("The identity key has no Curve25519 form.");
        byte[] signature = new byte[SignatureSize];
        Sign(identity, signedPreKey.PublicKey, signature);
        return new LegacyBundle(curve, signedPreKey.Id, signedPreKey.PublicKey, signature, preKeys);
    }

    /// <summary>Verifies a legacy signed pre-key signature as libsignal does.</summary>
    /// <param name="identityKey">The 32-byte Curve25519 identity key.</param>
    /// <param name="signedPreKey">The 32-byte X25519 signed pre-key.</param>
    /// <param name="signature">The 64-byte signature.</param>
    /// <returns>Whether it verifies; false for wrong sizes.</returns>
    public static bool Verify(ReadOnlySpan<byte> identityKey, ReadOnlySpan<byte> signedPreKey, ReadOnlySpan<byte> signature)
    {
        if (identityKey.Length != X25519.KeySize || signedPreKey.Length != X25519.KeySize || signature.Length != SignatureSize) return false;
        Span<byte> message = stackalloc byte[LegacyWireFormat.EncodedKeySize];
        message[0] = LegacyWireFormat.KeyPrefix;
        signedPreKey.CopyTo(message[1..]);
        return XEdDsa.VerifyLibsignal(identityKey, message, signature);
    }

    /// <summary>
    /// The Ed25519 form of a legacy identity key, with the sign bit its owner put into the signed pre-key signature
    /// (how python-omemo links a legacy device to the same identity as its OMEMO 2 one).
    /// </summary>
    /// <param name="identityKey">The 32-byte Curve25519 identity key.</param>
    /// <param name="signature">The verified 64-byte signed pre-key signature.</param>
    /// <returns>The 32-byte Ed25519 identity key.</returns>
    /// <exception cref="ArgumentException">A size is wrong.</exception>
    public static byte[] Ed25519Identity(ReadOnlySpan<byte> identityKey, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize) throw new ArgumentException($"The signature must be {SignatureSize} bytes.", nameof(signature));
        byte[] ed = new byte[Ed25519.PublicKeySize];
        KeyConversion.Curve25519PublicKeyToEd25519(identityKey, (byte)(signature[63] >> 7), ed);
        return ed;
    }
}
