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
/// <see cref="NativeCurveBackend.XEdDsaVerify"/> works: the XEdDSA specification's verification with a Montgomery public key u is
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
public sealed unsafe class SodiumCurveBackend : NativeCurveBackend
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
    public override string Name => BackendName;

    /// <summary>Not available: libsodium has no XEdDSA signing. Use <see cref="XEdDsaCurveBackend"/> or the managed backend.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void XEdDsaSign(ReadOnlySpan<byte> curve25519PrivateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random, Span<byte> signature) =>
        throw new NotSupportedException("libsodium has no XEdDSA signing; use the libxeddsa or the managed backend.");

    /// <summary>
    /// XEdDSA's <c>convert_mont</c>: the Ed25519 public key y = (u - 1)/(u + 1) with sign bit 0 for the Curve25519
    /// public key u. Returns false, writing nothing, when u ≥ p. Computed in managed code (libsodium only maps the
    /// other way); byte-equal to libxeddsa's <c>curve25519_pub_to_ed25519_pub(.., false)</c> for every u &lt; p.
    /// </summary>
    public bool Curve25519PublicKeyToEd25519(ReadOnlySpan<byte> curve25519PublicKey, Span<byte> ed25519PublicKey)
    {
        CheckCurve25519PublicKeyToEd25519(curve25519PublicKey, ed25519PublicKey);
        return MontgomeryToEdwards.TryConvert(curve25519PublicKey, ed25519PublicKey);
    }

    private protected override void NativeX25519Base(byte* publicKey, byte* privateKey) =>
        _ = Sodium.crypto_scalarmult_curve25519_base(publicKey, privateKey); // clamps; cannot yield zero for the base point

    private protected override int NativeX25519(byte* sharedSecret, byte* privateKey, byte* peerPublicKey) =>
        Sodium.crypto_scalarmult_curve25519(sharedSecret, privateKey, peerPublicKey);

    private protected override void NativeEd25519PublicKey(byte* publicKey, byte* seed)
    {
        byte* secretKey = stackalloc byte[Sodium.SecretKeyBytes];
        _ = Sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed);
        Wipe(secretKey);
    }

    private protected override void NativeEd25519Sign(byte* signature, byte* message, int messageLength, byte* seed)
    {
        byte* publicKey = stackalloc byte[Sodium.PublicKeyBytes];
        byte* secretKey = stackalloc byte[Sodium.SecretKeyBytes];
        _ = Sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed);
        _ = Sodium.crypto_sign_detached(signature, null, message, (ulong)messageLength, secretKey);
        Wipe(secretKey);
    }

    private protected override bool NativeEd25519Verify(byte* signature, byte* message, int messageLength, byte* publicKey) =>
        Sodium.crypto_sign_verify_detached(signature, message, (ulong)messageLength, publicKey) == 0;

    private protected override int NativeEd25519PublicKeyToCurve25519(byte* curve25519PublicKey, byte* ed25519PublicKey) =>
        Sodium.crypto_sign_ed25519_pk_to_curve25519(curve25519PublicKey, ed25519PublicKey);

    private protected override void NativeEd25519SeedToCurve25519(byte* curve25519PrivateKey, byte* seed)
    {
        // The function takes libsodium's full 64-byte secret key; build a real one rather than rely on it
        // reading only the seed half.
        byte* publicKey = stackalloc byte[Sodium.PublicKeyBytes];
        byte* secretKey = stackalloc byte[Sodium.SecretKeyBytes];
        _ = Sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed);
        _ = Sodium.crypto_sign_ed25519_sk_to_curve25519(curve25519PrivateKey, secretKey);
        Wipe(secretKey);
    }

    private protected override void ConvertMontgomeryToEdwards(ReadOnlySpan<byte> curve25519PublicKey, Span<byte> ed25519PublicKey) =>
        _ = MontgomeryToEdwards.TryConvert(curve25519PublicKey, ed25519PublicKey); // u is canonical here, so this succeeds

    private static void Wipe(byte* secretKey) => CryptographicOperations.ZeroMemory(new Span<byte>(secretKey, Sodium.SecretKeyBytes));
}
