using System.Security.Cryptography;
using Omemo.Crypto;

namespace Omemo.X3dh;

/// <summary>
/// The long-term OMEMO identity key pair, kept as an Ed25519 seed (as python-omemo does). The public key is
/// published in its Ed25519 form (the <c>&lt;ik&gt;</c>); for X3DH the seed's Curve25519 private key
/// (<see cref="KeyConversion.Ed25519SeedToCurve25519"/>) is used.
/// </summary>
public sealed class IdentityKeyPair : IDisposable
{
    /// <summary>Size in bytes of the seed.</summary>
    public const int SeedSize = Ed25519.SeedSize;

    private readonly byte[] _seed = GC.AllocateArray<byte>(SeedSize, pinned: true);
    private readonly Ed25519SigningKey _signingKey;
    private readonly byte[] _publicKey;
    private bool _disposed;

    private IdentityKeyPair(ReadOnlySpan<byte> seed)
    {
        seed.CopyTo(_seed);
        _signingKey = new Ed25519SigningKey(seed);
        _publicKey = _signingKey.PublicKey.ToArray();
    }

    /// <summary>Generates a fresh identity from a random seed (<see cref="RandomNumberGenerator"/>).</summary>
    public static IdentityKeyPair Generate()
    {
        Span<byte> seed = stackalloc byte[SeedSize];
        Ed25519.GenerateSeed(seed);
        try { return new IdentityKeyPair(seed); }
        finally { CryptographicOperations.ZeroMemory(seed); }
    }

    /// <summary>Restores an identity from its 32-byte Ed25519 seed.</summary>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not 32 bytes.</exception>
    public static IdentityKeyPair FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize) throw new ArgumentException($"Identity seeds are {SeedSize} bytes.", nameof(seed));
        return new IdentityKeyPair(seed);
    }

    /// <summary>The 32-byte Ed25519 public key (the form OMEMO 2 always transfers).</summary>
    /// <exception cref="ObjectDisposedException">The key pair was disposed.</exception>
    public ReadOnlySpan<byte> PublicKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _publicKey;
        }
    }

    /// <summary>Copies the 32-byte seed (the private key) to <paramref name="seed"/>; the caller must wipe it.</summary>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is shorter than 32 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The key pair was disposed.</exception>
    public void CopySeedTo(Span<byte> seed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (seed.Length < SeedSize) throw new ArgumentException($"The destination must hold {SeedSize} bytes.", nameof(seed));
        _seed.CopyTo(seed);
    }

    /// <summary>Signs <paramref name="message"/> with Ed25519 (RFC 8032) into the 64-byte <paramref name="signature"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="signature"/> is shorter than 64 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The key pair was disposed.</exception>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _signingKey.Sign(message, signature);
    }

    /// <summary>Writes the identity's Curve25519 (X25519) private key; the caller must wipe it.</summary>
    internal void CopyCurve25519PrivateKeyTo(Span<byte> privateKey)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        KeyConversion.Ed25519SeedToCurve25519(_seed, privateKey);
    }

    /// <summary>Wipes the seed and the expanded signing key.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_seed);
        _signingKey.Dispose();
    }
}
