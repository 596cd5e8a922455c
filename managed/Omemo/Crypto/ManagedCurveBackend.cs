namespace Omemo.Crypto;

/// <summary>
/// The default, fully managed <see cref="ICurveBackend"/>: delegates to <see cref="X25519"/>, <see cref="Ed25519"/>,
/// <see cref="KeyConversion"/> and <see cref="XEdDsa"/>. Stateless and thread-safe.
/// </summary>
public sealed class ManagedCurveBackend : ICurveBackend
{
    /// <summary>The shared instance.</summary>
    public static ManagedCurveBackend Instance { get; } = new();

    /// <summary>Creates a backend; every instance behaves the same, so <see cref="Instance"/> is usually enough.</summary>
    public ManagedCurveBackend() { }

    /// <inheritdoc/>
    public string Name => "managed";

    /// <inheritdoc/>
    public void X25519DerivePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
        => X25519.DerivePublicKey(privateKey, publicKey);

    /// <inheritdoc/>
    public bool TryX25519Agree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
        => X25519.TryAgree(privateKey, peerPublicKey, sharedSecret);

    /// <inheritdoc/>
    public void Ed25519DerivePublicKey(ReadOnlySpan<byte> seed, Span<byte> publicKey)
        => Ed25519.DerivePublicKey(seed, publicKey);

    /// <inheritdoc/>
    public void Ed25519Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message, Span<byte> signature)
        => Ed25519.Sign(seed, message, signature);

    /// <inheritdoc/>
    public bool Ed25519Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
        => Ed25519.Verify(publicKey, message, signature);

    /// <inheritdoc/>
    public bool TryEd25519PublicKeyToCurve25519(ReadOnlySpan<byte> ed25519PublicKey, Span<byte> curve25519PublicKey)
        => KeyConversion.TryEd25519PublicKeyToCurve25519(ed25519PublicKey, curve25519PublicKey);

    /// <inheritdoc/>
    public void Ed25519SeedToCurve25519(ReadOnlySpan<byte> seed, Span<byte> curve25519PrivateKey)
        => KeyConversion.Ed25519SeedToCurve25519(seed, curve25519PrivateKey);

    /// <inheritdoc/>
    public void XEdDsaSign(ReadOnlySpan<byte> curve25519PrivateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random, Span<byte> signature)
        => XEdDsa.Sign(curve25519PrivateKey, message, random, signature);

    /// <inheritdoc/>
    public bool XEdDsaVerify(ReadOnlySpan<byte> curve25519PublicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
        => XEdDsa.Verify(curve25519PublicKey, message, signature);
}
