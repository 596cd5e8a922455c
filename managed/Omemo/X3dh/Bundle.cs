using Omemo.Crypto;

namespace Omemo.X3dh;

/// <summary>The public part of a one-time pre-key: its id and 32-byte X25519 public key.</summary>
/// <param name="Id">The pre-key id.</param>
/// <param name="PublicKey">The 32-byte X25519 public key.</param>
public sealed record PreKeyPublic(uint Id, byte[] PublicKey);

/// <summary>A device's published bundle (XEP-0384 5.3.2): everything X3DH needs to start a session with it.</summary>
/// <param name="IdentityKey">The 32-byte Ed25519 identity public key (<c>&lt;ik&gt;</c>).</param>
/// <param name="SignedPreKeyId">The signed pre-key id (<c>&lt;spk id&gt;</c>).</param>
/// <param name="SignedPreKey">The 32-byte X25519 signed pre-key (<c>&lt;spk&gt;</c>).</param>
/// <param name="SignedPreKeySignature">The 64-byte Ed25519 signature of <paramref name="SignedPreKey"/> (<c>&lt;spks&gt;</c>).</param>
/// <param name="PreKeys">The one-time pre-keys (<c>&lt;prekeys&gt;</c>).</param>
public sealed record Bundle(byte[] IdentityKey, uint SignedPreKeyId, byte[] SignedPreKey, byte[] SignedPreKeySignature,
                            IReadOnlyList<PreKeyPublic> PreKeys)
{
    /// <summary>
    /// Whether <see cref="SignedPreKeySignature"/> is a valid Ed25519 signature of the raw 32 bytes of
    /// <see cref="SignedPreKey"/> by <see cref="IdentityKey"/>. False for keys or signatures of the wrong length.
    /// </summary>
    public bool HasValidSignature()
        => IdentityKey is { Length: Ed25519.PublicKeySize }
           && SignedPreKey is { Length: X25519.KeySize }
           && SignedPreKeySignature is { Length: Ed25519.SignatureSize }
           && Ed25519.Verify(IdentityKey, SignedPreKey, SignedPreKeySignature);
}

/// <summary>Looks up this device's own pre-keys by the ids named in an incoming key exchange.</summary>
public interface IPreKeySource
{
    /// <summary>The signed pre-key with this id (the current or a recently rotated one), or null.</summary>
    SignedPreKey? GetSignedPreKey(uint id);

    /// <summary>The one-time pre-key with this id, or null when unknown or already used.</summary>
    PreKey? GetPreKey(uint id);
}
