using Omemo.Crypto;

namespace Omemo.X3dh;

/// <summary>
/// A signed pre-key: an X25519 key pair whose raw 32-byte public key is signed with the identity key
/// (Ed25519, as python-x3dh does for <c>IdentityKeyFormat.ED_25519</c>).
/// </summary>
public sealed class SignedPreKey
{
    /// <summary>Restores a signed pre-key from storage; the public key is derived from <paramref name="privateKey"/>.</summary>
    /// <param name="id">The signed pre-key id published in the bundle.</param>
    /// <param name="privateKey">The 32-byte X25519 private key.</param>
    /// <param name="signature">The 64-byte Ed25519 signature of the public key by the identity key.</param>
    /// <param name="createdAt">When the key was generated (drives rotation).</param>
    /// <exception cref="ArgumentException">A key or the signature has the wrong length.</exception>
    public SignedPreKey(uint id, byte[] privateKey, byte[] signature, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentNullException.ThrowIfNull(signature);
        if (privateKey.Length != X25519.KeySize) throw new ArgumentException($"Private keys are {X25519.KeySize} bytes.", nameof(privateKey));
        if (signature.Length != Ed25519.SignatureSize) throw new ArgumentException($"Signatures are {Ed25519.SignatureSize} bytes.", nameof(signature));
        Id = id;
        PrivateKey = privateKey;
        Signature = signature;
        CreatedAt = createdAt;
        PublicKey = new byte[X25519.KeySize];
        X25519.DerivePublicKey(privateKey, PublicKey);
    }

    /// <summary>The signed pre-key id.</summary>
    public uint Id { get; }

    /// <summary>The 32-byte X25519 public key (the <c>&lt;spk&gt;</c>).</summary>
    public byte[] PublicKey { get; }

    /// <summary>The 64-byte Ed25519 signature of <see cref="PublicKey"/> by the identity key (the <c>&lt;spks&gt;</c>).</summary>
    public byte[] Signature { get; }

    /// <summary>The 32-byte X25519 private key.</summary>
    public byte[] PrivateKey { get; }

    /// <summary>When the key was generated.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Generates a signed pre-key with a fresh private key and signs its public key with <paramref name="identity"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="identity"/> is null.</exception>
    public static SignedPreKey Generate(IdentityKeyPair identity, uint id) => Generate(identity, id, DateTimeOffset.UtcNow);

    /// <summary>Like <see cref="Generate(IdentityKeyPair, uint)"/> with an explicit creation time (from the caller's clock).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="identity"/> is null.</exception>
    public static SignedPreKey Generate(IdentityKeyPair identity, uint id, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(identity);
        byte[] priv = new byte[X25519.KeySize];
        X25519.GeneratePrivateKey(priv);
        Span<byte> pub = stackalloc byte[X25519.KeySize];
        X25519.DerivePublicKey(priv, pub);
        byte[] sig = new byte[Ed25519.SignatureSize];
        identity.Sign(pub, sig);
        return new SignedPreKey(id, priv, sig, createdAt);
    }
}
