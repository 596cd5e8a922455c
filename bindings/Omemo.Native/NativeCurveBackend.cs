using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Native.Internal;

namespace Omemo.Native;

/// <summary>
/// What the native <see cref="ICurveBackend"/>s (<see cref="SodiumCurveBackend"/> and <see cref="XEdDsaCurveBackend"/>)
/// have in common: every length is checked here, before any pointer reaches native code (which reads and writes
/// fixed sizes blindly), the XEdDSA verification checks of the specification are done here, and a failed native
/// call leaves its output zeroed. The backends only make the native calls. The argument policy is the managed
/// backend's: X25519 keys and every output at least 32/64 bytes (the first ones used), seeds exactly 32, otherwise
/// <see cref="ArgumentException"/>; the verify and public-key conversion methods return false for inputs of the
/// wrong length. Only this assembly can derive from this class.
/// </summary>
public abstract unsafe class NativeCurveBackend : ICurveBackend
{
    private protected NativeCurveBackend()
    {
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public void X25519DerivePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        Guard.AtLeast(privateKey, Guard.KeySize, nameof(privateKey), "An X25519 private key");
        Guard.AtLeast(publicKey, Guard.KeySize, nameof(publicKey), "An X25519 public key");
        fixed (byte* sk = privateKey)
        fixed (byte* pk = publicKey)
        {
            NativeX25519Base(pk, sk);
        }
    }

    /// <inheritdoc/>
    public bool TryX25519Agree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        Guard.AtLeast(privateKey, Guard.KeySize, nameof(privateKey), "An X25519 private key");
        Guard.AtLeast(peerPublicKey, Guard.KeySize, nameof(peerPublicKey), "An X25519 public key");
        Guard.AtLeast(sharedSecret, Guard.KeySize, nameof(sharedSecret), "An X25519 shared secret");
        int rc;
        fixed (byte* sk = privateKey)
        fixed (byte* pk = peerPublicKey)
        fixed (byte* ss = sharedSecret)
        {
            rc = NativeX25519(ss, sk, pk);
        }
        // Non-zero for an all-zero result (libsodium may also reject a small-order u before computing).
        return Succeeded(rc, sharedSecret);
    }

    /// <inheritdoc/>
    public void Ed25519DerivePublicKey(ReadOnlySpan<byte> seed, Span<byte> publicKey)
    {
        Guard.Exactly(seed, Guard.KeySize, nameof(seed), "An Ed25519 seed");
        Guard.AtLeast(publicKey, Guard.KeySize, nameof(publicKey), "An Ed25519 public key");
        fixed (byte* s = seed)
        fixed (byte* pk = publicKey)
        {
            NativeEd25519PublicKey(pk, s);
        }
    }

    /// <inheritdoc/>
    public void Ed25519Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Guard.Exactly(seed, Guard.KeySize, nameof(seed), "An Ed25519 seed");
        Guard.AtLeast(signature, Guard.SignatureSize, nameof(signature), "An Ed25519 signature");
        fixed (byte* s = seed)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            NativeEd25519Sign(sig, m, message.Length, s);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Both backends end in libsodium's <c>crypto_sign_verify_detached</c> (libxeddsa's <c>ed25519_verify</c> is
    /// that function), with libsodium 1.0.18's policy: s must be canonical (below the group order), the public key
    /// canonical and not of small order, R not of small order; the equation is the cofactorless one and R is
    /// compared byte for byte.
    /// </remarks>
    public bool Ed25519Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Guard.KeySize || signature.Length != Guard.SignatureSize) return false;
        fixed (byte* pk = publicKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            return NativeEd25519Verify(sig, m, message.Length, pk);
        }
    }

    /// <inheritdoc/>
    /// <remarks>libsodium (also underneath libxeddsa) rejects keys outside the prime-order subgroup (mixed-order points) and non-canonical encodings.</remarks>
    public bool TryEd25519PublicKeyToCurve25519(ReadOnlySpan<byte> ed25519PublicKey, Span<byte> curve25519PublicKey)
    {
        Guard.AtLeast(curve25519PublicKey, Guard.KeySize, nameof(curve25519PublicKey), "A Curve25519 public key");
        if (ed25519PublicKey.Length != Guard.KeySize) return false;
        int rc;
        fixed (byte* ed = ed25519PublicKey)
        fixed (byte* cu = curve25519PublicKey)
        {
            rc = NativeEd25519PublicKeyToCurve25519(cu, ed);
        }
        return Succeeded(rc, curve25519PublicKey);
    }

    /// <inheritdoc/>
    public void Ed25519SeedToCurve25519(ReadOnlySpan<byte> seed, Span<byte> curve25519PrivateKey)
    {
        Guard.Exactly(seed, Guard.KeySize, nameof(seed), "An Ed25519 seed");
        Guard.AtLeast(curve25519PrivateKey, Guard.KeySize, nameof(curve25519PrivateKey), "A Curve25519 private key");
        fixed (byte* s = seed)
        fixed (byte* x = curve25519PrivateKey)
        {
            NativeEd25519SeedToCurve25519(x, s);
        }
    }

    /// <inheritdoc/>
    public abstract void XEdDsaSign(ReadOnlySpan<byte> curve25519PrivateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random, Span<byte> signature);

    /// <summary>
    /// Verifies an XEdDSA signature as the XEdDSA specification defines it: false when u ≥ p (as a 256-bit
    /// integer, so bit 255 must be 0; libxeddsa itself would silently reduce such a u) or when s ≥ 2^253 (the top
    /// three bits of byte 63, which include the sign bit some encoders put there); otherwise
    /// <see cref="Ed25519Verify"/> (libsodium's <c>crypto_sign_verify_detached</c>, with its stricter s &lt; q)
    /// under the Edwards key y = (u - 1)/(u + 1) with sign bit 0 (XEdDSA's <c>convert_mont</c>).
    /// </summary>
    public bool XEdDsaVerify(ReadOnlySpan<byte> curve25519PublicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (curve25519PublicKey.Length != Guard.KeySize || signature.Length != Guard.SignatureSize) return false;
        if ((signature[63] & 0xE0) != 0) return false;
        if (!MontgomeryToEdwards.IsCanonical(curve25519PublicKey)) return false;
        Span<byte> edwards = stackalloc byte[Guard.KeySize];
        ConvertMontgomeryToEdwards(curve25519PublicKey, edwards);
        return Ed25519Verify(edwards, message, signature);
    }

    /// <summary>The sizes the Curve25519-to-Ed25519 public key maps of the backends accept.</summary>
    private protected static void CheckCurve25519PublicKeyToEd25519(ReadOnlySpan<byte> curve25519PublicKey, Span<byte> ed25519PublicKey)
    {
        Guard.Exactly(curve25519PublicKey, Guard.KeySize, nameof(curve25519PublicKey), "A Curve25519 public key");
        Guard.AtLeast(ed25519PublicKey, Guard.KeySize, nameof(ed25519PublicKey), "An Ed25519 public key");
    }

    /// <summary>X25519(privateKey, 9) into 32 bytes at <paramref name="publicKey"/>.</summary>
    private protected abstract void NativeX25519Base(byte* publicKey, byte* privateKey);

    /// <summary>X25519(privateKey, peerPublicKey) into 32 bytes at <paramref name="sharedSecret"/>; 0 on success.</summary>
    private protected abstract int NativeX25519(byte* sharedSecret, byte* privateKey, byte* peerPublicKey);

    /// <summary>The Ed25519 public key of a 32-byte seed.</summary>
    private protected abstract void NativeEd25519PublicKey(byte* publicKey, byte* seed);

    /// <summary>The 64-byte Ed25519 signature of the message under the key of a 32-byte seed.</summary>
    private protected abstract void NativeEd25519Sign(byte* signature, byte* message, int messageLength, byte* seed);

    /// <summary>Ed25519 verification of a 64-byte signature under a 32-byte public key.</summary>
    private protected abstract bool NativeEd25519Verify(byte* signature, byte* message, int messageLength, byte* publicKey);

    /// <summary>The Curve25519 form of a 32-byte Ed25519 public key; 0 on success.</summary>
    private protected abstract int NativeEd25519PublicKeyToCurve25519(byte* curve25519PublicKey, byte* ed25519PublicKey);

    /// <summary>The clamped Curve25519 private key of a 32-byte Ed25519 seed.</summary>
    private protected abstract void NativeEd25519SeedToCurve25519(byte* curve25519PrivateKey, byte* seed);

    /// <summary>XEdDSA's <c>convert_mont</c> for a canonical u (below p): y = (u - 1)/(u + 1) with sign bit 0.</summary>
    private protected abstract void ConvertMontgomeryToEdwards(ReadOnlySpan<byte> curve25519PublicKey, Span<byte> ed25519PublicKey);

    // A native call's status: on failure the first 32 bytes of the output are zeroed.
    private static bool Succeeded(int rc, Span<byte> output)
    {
        if (rc == 0) return true;
        CryptographicOperations.ZeroMemory(output[..Guard.KeySize]);
        return false;
    }
}
