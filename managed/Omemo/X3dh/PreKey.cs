using Omemo.Crypto;

namespace Omemo.X3dh;

/// <summary>A one-time X25519 pre-key.</summary>
public sealed class PreKey
{
    /// <summary>Restores a pre-key from storage; the public key is derived from <paramref name="privateKey"/>.</summary>
    /// <param name="id">The pre-key id published in the bundle.</param>
    /// <param name="privateKey">The 32-byte X25519 private key.</param>
    /// <exception cref="ArgumentException"><paramref name="privateKey"/> is not 32 bytes.</exception>
    public PreKey(uint id, byte[] privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (privateKey.Length != X25519.KeySize) throw new ArgumentException($"Private keys are {X25519.KeySize} bytes.", nameof(privateKey));
        Id = id;
        PrivateKey = privateKey;
        PublicKey = new byte[X25519.KeySize];
        X25519.DerivePublicKey(privateKey, PublicKey);
    }

    /// <summary>The pre-key id.</summary>
    public uint Id { get; }

    /// <summary>The 32-byte X25519 public key (a <c>&lt;pk&gt;</c>).</summary>
    public byte[] PublicKey { get; }

    /// <summary>The 32-byte X25519 private key.</summary>
    public byte[] PrivateKey { get; }

    /// <summary>Generates a pre-key with a fresh random private key.</summary>
    public static PreKey Generate(uint id)
    {
        byte[] priv = new byte[X25519.KeySize];
        X25519.GeneratePrivateKey(priv);
        return new PreKey(id, priv);
    }

    /// <summary>The public part, as published in a bundle.</summary>
    public PreKeyPublic ToPublic() => new(Id, PublicKey);
}
