using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Omemo.Crypto.Curve25519;

namespace Omemo.Crypto;

/// <summary>
/// A long-lived Ed25519 private key (e.g. an OMEMO identity key), expanded once: the secret scalar, the
/// nonce prefix and the public key are derived from the seed at construction, so each <see cref="Sign"/>
/// needs one fixed-base multiplication instead of the two of <see cref="Ed25519.Sign"/> (the same trade
/// libsodium makes with its 64-byte secret key). Because the public key is computed here and never
/// supplied by the caller, the mismatched-public-key attack on cached Ed25519 keys cannot happen.
/// Signatures are byte-identical to <see cref="Ed25519.Sign"/>. The key material lives in one pinned buffer
/// (so the GC never leaves copies behind) that <see cref="Dispose"/> wipes. Signing allocates nothing and is
/// thread-safe.
/// </summary>
public sealed class Ed25519SigningKey : IDisposable
{
    // [0, 32) clamped scalar a, [32, 64) nonce prefix, [64, 96) public key A = [a]B.
    private readonly byte[] _material = GC.AllocateArray<byte>(96, pinned: true);
    private bool _disposed;

    /// <summary>Expands <paramref name="seed"/> (the RFC 8032 private key).</summary>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not <see cref="Ed25519.SeedSize"/> bytes.</exception>
    public Ed25519SigningKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Ed25519.SeedSize)
            throw new ArgumentException($"Ed25519 seeds are {Ed25519.SeedSize} bytes.", nameof(seed));
        Ed25519.ExpandSeed(seed, _material.AsSpan(0, 64));
        EdwardsBasepointTable.Multiply(out EdwardsPoint a, _material.AsSpan(0, 32));
        EdwardsPoint.Encode(_material.AsSpan(64, 32), a);
    }

    /// <summary>The 32-byte public key that belongs to this private key.</summary>
    public ReadOnlySpan<byte> PublicKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _material.AsSpan(64, 32);
        }
    }

    /// <summary>Signs <paramref name="message"/> (deterministic RFC 8032 Ed25519) into <paramref name="signature"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="signature"/> is shorter than <see cref="Ed25519.SignatureSize"/>.</exception>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Ed25519.CheckOutput(signature.Length, Ed25519.SignatureSize, nameof(signature));
        ReadOnlySpan<byte> material = _material;
        Span<byte> wide = stackalloc byte[Sha512Hasher.HashSize];
        Span<byte> nonce = stackalloc byte[Scalar.Size];
        Sha512Hasher.Hash(wide, material[32..64], message); // r = SHA-512(prefix || M) mod L
        Scalar.Reduce(nonce, wide);
        Ed25519.SignWithNonce(material[..32], material[64..96], nonce, message, signature);
        CryptographicOperations.ZeroMemory(wide);
        CryptographicOperations.ZeroMemory(nonce);
    }

    /// <summary>Wipes the key material. Further use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_material);
    }
}
