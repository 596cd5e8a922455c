using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Native.Interop;
using Omemo.Native.Internal;

namespace Omemo.Native;

/// <summary>
/// <see cref="ICurveBackend"/> over libsodium (Debian <c>libsodium23</c>, loaded as <c>libsodium.so.23</c>):
/// X25519 through <c>crypto_scalarmult_curve25519(_base)</c>, Ed25519 through
/// <c>crypto_sign_seed_keypair</c>/<c>crypto_sign_detached</c>/<c>crypto_sign_verify_detached</c> (libsodium's
/// <c>crypto_sign</c> is Ed25519), and the Ed25519-to-Curve25519 maps through
/// <c>crypto_sign_ed25519_pk_to_curve25519</c>/<c>crypto_sign_ed25519_sk_to_curve25519</c>.
/// <para>
/// XEdDSA: libsodium has no XEdDSA, so <see cref="XEdDsaSign"/> throws <see cref="NotSupportedException"/>.
/// <see cref="XEdDsaVerify"/> works: the XEdDSA specification's verification with a Montgomery public key u is
/// exactly Ed25519 verification under the Edwards key y = (u - 1)/(u + 1) with sign bit 0 (its
/// <c>convert_mont</c>), so this backend computes that key (<see cref="Curve25519PublicKeyToEd25519"/>) and calls
/// <c>crypto_sign_verify_detached</c>.
/// </para>
/// <para>
/// Secret buffers the backend creates (the 64-byte libsodium secret key seed || pk) live on the stack and are
/// zeroed after use; no call allocates. Instances are stateless and thread-safe. Argument sizes follow the managed
/// backend: X25519 keys and outputs at least 32/64 bytes (the first ones used), seeds exactly 32, otherwise
/// <see cref="ArgumentException"/>; the verify and public-key conversion methods return false for inputs of the
/// wrong length.
/// </para>
/// </summary>
public sealed unsafe class SodiumCurveBackend : ICurveBackend
{
    /// <summary>The <see cref="Name"/> of this backend, also its name for <see cref="NativeBackends.Create"/>.</summary>
    public const string BackendName = "libsodium";

    /// <summary>Loads and initialises libsodium (once per process).</summary>
    /// <exception cref="NativeLibraryMissingException">libsodium.so.23 is missing or unusable; install <c>libsodium23</c>.</exception>
    public SodiumCurveBackend()
    {
        LibraryStatus status = NativeLoader.Sodium;
        if (!status.Ready) throw NativeLibraryMissingException.ForSodium(status.Failure);
    }

    /// <inheritdoc/>
    public string Name => BackendName;

    /// <inheritdoc/>
    public void X25519DerivePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        Guard.AtLeast(privateKey, Guard.KeySize, nameof(privateKey), "An X25519 private key");
        Guard.AtLeast(publicKey, Guard.KeySize, nameof(publicKey), "An X25519 public key");
        fixed (byte* sk = privateKey)
        fixed (byte* pk = publicKey)
        {
            _ = Sodium.crypto_scalarmult_curve25519_base(pk, sk); // clamps; cannot yield zero for the base point
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
            rc = Sodium.crypto_scalarmult_curve25519(ss, sk, pk);
        }
        if (rc != 0)
        {
            // libsodium returns -1 for an all-zero result (and may reject a small-order u before computing).
            CryptographicOperations.ZeroMemory(sharedSecret[..Guard.KeySize]);
            return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public void Ed25519DerivePublicKey(ReadOnlySpan<byte> seed, Span<byte> publicKey)
    {
        Guard.Exactly(seed, Guard.KeySize, nameof(seed), "An Ed25519 seed");
        Guard.AtLeast(publicKey, Guard.KeySize, nameof(publicKey), "An Ed25519 public key");
        Span<byte> secretKey = stackalloc byte[Sodium.SecretKeyBytes];
        fixed (byte* s = seed)
        fixed (byte* pk = publicKey)
        fixed (byte* sk = secretKey)
        {
            _ = Sodium.crypto_sign_seed_keypair(pk, sk, s);
        }
        CryptographicOperations.ZeroMemory(secretKey);
    }

    /// <inheritdoc/>
    public void Ed25519Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Guard.Exactly(seed, Guard.KeySize, nameof(seed), "An Ed25519 seed");
        Guard.AtLeast(signature, Guard.SignatureSize, nameof(signature), "An Ed25519 signature");
        Span<byte> publicKey = stackalloc byte[Sodium.PublicKeyBytes];
        Span<byte> secretKey = stackalloc byte[Sodium.SecretKeyBytes];
        fixed (byte* s = seed)
        fixed (byte* pk = publicKey)
        fixed (byte* sk = secretKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            _ = Sodium.crypto_sign_seed_keypair(pk, sk, s);
            _ = Sodium.crypto_sign_detached(sig, null, m, (ulong)message.Length, sk);
        }
        CryptographicOperations.ZeroMemory(secretKey);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// libsodium 1.0.18's policy: s must be canonical (below the group order), the public key canonical and not
    /// of small order, R not of small order; the equation is the cofactorless one and R is compared byte for byte.
    /// </remarks>
    public bool Ed25519Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Guard.KeySize || signature.Length != Guard.SignatureSize) return false;
        fixed (byte* pk = publicKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            return Sodium.crypto_sign_verify_detached(sig, m, (ulong)message.Length, pk) == 0;
        }
    }

    /// <inheritdoc/>
    /// <remarks>libsodium also rejects keys outside the prime-order subgroup (mixed-order points) and non-canonical encodings.</remarks>
    public bool TryEd25519PublicKeyToCurve25519(ReadOnlySpan<byte> ed25519PublicKey, Span<byte> curve25519PublicKey)
    {
        Guard.AtLeast(curve25519PublicKey, Guard.KeySize, nameof(curve25519PublicKey), "A Curve25519 public key");
        if (ed25519PublicKey.Length != Guard.KeySize) return false;
        int rc;
        fixed (byte* ed = ed25519PublicKey)
        fixed (byte* cu = curve25519PublicKey)
        {
            rc = Sodium.crypto_sign_ed25519_pk_to_curve25519(cu, ed);
        }
        if (rc != 0)
        {
            curve25519PublicKey[..Guard.KeySize].Clear();
            return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public void Ed25519SeedToCurve25519(ReadOnlySpan<byte> seed, Span<byte> curve25519PrivateKey)
    {
        Guard.Exactly(seed, Guard.KeySize, nameof(seed), "An Ed25519 seed");
        Guard.AtLeast(curve25519PrivateKey, Guard.KeySize, nameof(curve25519PrivateKey), "A Curve25519 private key");
        // The function takes libsodium's full 64-byte secret key; build a real one rather than rely on it
        // reading only the seed half.
        Span<byte> publicKey = stackalloc byte[Sodium.PublicKeyBytes];
        Span<byte> secretKey = stackalloc byte[Sodium.SecretKeyBytes];
        fixed (byte* s = seed)
        fixed (byte* pk = publicKey)
        fixed (byte* sk = secretKey)
        fixed (byte* x = curve25519PrivateKey)
        {
            _ = Sodium.crypto_sign_seed_keypair(pk, sk, s);
            _ = Sodium.crypto_sign_ed25519_sk_to_curve25519(x, sk);
        }
        CryptographicOperations.ZeroMemory(secretKey);
    }

    /// <summary>Not available: libsodium has no XEdDSA signing. Use <see cref="XEdDsaCurveBackend"/> or the managed backend.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public void XEdDsaSign(ReadOnlySpan<byte> curve25519PrivateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random, Span<byte> signature) =>
        throw new NotSupportedException("libsodium has no XEdDSA signing; use the libxeddsa or the managed backend.");

    /// <summary>
    /// Verifies an XEdDSA signature as the XEdDSA specification defines it: false when u ≥ p (as a 256-bit
    /// integer, so bit 255 must be 0) or when s ≥ 2^253 (the top three bits of byte 63, which include the sign
    /// bit some encoders put there); otherwise Ed25519 verification (<c>crypto_sign_verify_detached</c>, with its
    /// stricter s &lt; q) under the Edwards key y = (u - 1)/(u + 1) with sign bit 0.
    /// </summary>
    public bool XEdDsaVerify(ReadOnlySpan<byte> curve25519PublicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (curve25519PublicKey.Length != Guard.KeySize || signature.Length != Guard.SignatureSize) return false;
        if ((signature[63] & 0xE0) != 0) return false;
        Span<byte> edwards = stackalloc byte[Guard.KeySize];
        if (!MontgomeryToEdwards.TryConvert(curve25519PublicKey, edwards)) return false;
        return Ed25519Verify(edwards, message, signature);
    }

    /// <summary>
    /// XEdDSA's <c>convert_mont</c>: the Ed25519 public key y = (u - 1)/(u + 1) with sign bit 0 for the Curve25519
    /// public key u. Returns false, writing nothing, when u ≥ p. Computed in managed code (libsodium only maps the
    /// other way); byte-equal to libxeddsa's <c>curve25519_pub_to_ed25519_pub(.., false)</c> for every u &lt; p.
    /// </summary>
    public bool Curve25519PublicKeyToEd25519(ReadOnlySpan<byte> curve25519PublicKey, Span<byte> ed25519PublicKey)
    {
        Guard.Exactly(curve25519PublicKey, Guard.KeySize, nameof(curve25519PublicKey), "A Curve25519 public key");
        Guard.AtLeast(ed25519PublicKey, Guard.KeySize, nameof(ed25519PublicKey), "An Ed25519 public key");
        return MontgomeryToEdwards.TryConvert(curve25519PublicKey, ed25519PublicKey);
    }
}
