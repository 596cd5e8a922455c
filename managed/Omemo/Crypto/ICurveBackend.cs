namespace Omemo.Crypto;

/// <summary>
/// The curve operations the protocol needs, so that the managed implementation (the default,
/// <see cref="ManagedCurveBackend"/>) and optional native ones (Omemo.Native bindings) are interchangeable
/// and can be cross-checked. All keys are raw 32-byte encodings; signatures are 64 bytes.
/// </summary>
public interface ICurveBackend
{
    /// <summary>A short name for diagnostics and benchmarks, e.g. "managed" or "libsodium".</summary>
    string Name { get; }

    /// <summary>Computes the X25519 public key (u-coordinate) of a 32-byte private key (clamped internally).</summary>
    void X25519DerivePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey);

    /// <summary>
    /// Computes X25519(privateKey, peerPublicKey). Returns false (and zeroes <paramref name="sharedSecret"/>)
    /// when the result is all zero, i.e. the peer key is a small-order point.
    /// </summary>
    bool TryX25519Agree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret);

    /// <summary>Derives the Ed25519 public key from a 32-byte seed (RFC 8032 private key).</summary>
    void Ed25519DerivePublicKey(ReadOnlySpan<byte> seed, Span<byte> publicKey);

    /// <summary>Signs <paramref name="message"/> with the Ed25519 key given by its 32-byte seed (RFC 8032, deterministic).</summary>
    void Ed25519Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message, Span<byte> signature);

    /// <summary>Verifies an Ed25519 signature under the strict policy documented on <see cref="Ed25519"/>.</summary>
    bool Ed25519Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);

    /// <summary>Maps an Ed25519 public key to its Curve25519 form u = (1 + y) / (1 - y); false for invalid or small-order keys.</summary>
    bool TryEd25519PublicKeyToCurve25519(ReadOnlySpan<byte> ed25519PublicKey, Span<byte> curve25519PublicKey);

    /// <summary>Derives the clamped X25519 private key that belongs to an Ed25519 seed (first half of SHA-512(seed), clamped).</summary>
    void Ed25519SeedToCurve25519(ReadOnlySpan<byte> seed, Span<byte> curve25519PrivateKey);

    /// <summary>XEdDSA-signs with a Curve25519 private key, using the caller's 64 random bytes <paramref name="random"/>.</summary>
    void XEdDsaSign(ReadOnlySpan<byte> curve25519PrivateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random, Span<byte> signature);

    /// <summary>Verifies an XEdDSA signature over a Curve25519 public key (strict: sign bit in byte 63 must be 0).</summary>
    bool XEdDsaVerify(ReadOnlySpan<byte> curve25519PublicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);
}
