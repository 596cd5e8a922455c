using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Native.Interop;
using Omemo.Native.Internal;

namespace Omemo.Native;

/// <summary>
/// <see cref="ICurveBackend"/> over libxeddsa (Debian <c>libxeddsa2</c>, loaded as <c>libxeddsa.so.2</c>; the
/// library python-xeddsa wraps, itself ref10 plus libsodium).
/// <list type="bullet">
/// <item>X25519: <c>priv_to_curve25519_pub</c> and <c>x25519</c>.</item>
/// <item>Ed25519: <c>seed_to_ed25519_pub</c>, <c>ed25519_seed_sign</c>, <c>ed25519_verify</c>.</item>
/// <item>Maps: <c>ed25519_pub_to_curve25519_pub</c>, <c>seed_to_priv</c>, <c>curve25519_pub_to_ed25519_pub</c>.</item>
/// <item>XEdDSA sign: <c>priv_force_sign(a, k, false)</c> (clamp k, negate it when its Edwards key has the sign
/// bit set) then <c>ed25519_priv_sign(sig, a, M, |M|, Z)</c>, which computes r = SHA-512(0xFE 0xFF*31 || a || M || Z).</item>
/// <item>XEdDSA verify: the specification's checks (u &lt; p, s &lt; 2^253), then
/// <c>curve25519_pub_to_ed25519_pub(A, u, false)</c> and <c>ed25519_verify</c>.</item>
/// </list>
/// <para>
/// <c>ed25519_seed_sign</c> hands its "seed" pointer straight to libsodium's <c>crypto_sign_ed25519_detached</c>,
/// whose secret-key argument is defined as the 64-byte seed || public key. Debian's libsodium 1.0.18 happens to
/// read only the first 32 bytes (checked with a guard page), but that contract does not promise it, so this
/// backend passes a stack buffer holding seed || public key and zeroes it afterwards. Every other secret buffer (the forced-sign scalar) is
/// likewise stack-allocated and zeroed; no call allocates. Instances are stateless and thread-safe.
/// Argument sizes follow the managed backend: X25519 keys and outputs at least 32/64 bytes (the first ones used),
/// seeds and XEdDSA private keys exactly 32 and XEdDSA randomness exactly 64, otherwise
/// <see cref="ArgumentException"/>; the verify and public-key conversion methods return false for inputs of the
/// wrong length.
/// </para>
/// </summary>
public sealed unsafe class XEdDsaCurveBackend : NativeCurveBackend
{
    /// <summary>The <see cref="Name"/> of this backend, also its name for <see cref="NativeBackends.Create"/>.</summary>
    public const string BackendName = "libxeddsa";

    /// <summary>Loads and initialises libxeddsa (once per process; it initialises libsodium too).</summary>
    /// <exception cref="NativeLibraryMissingException">libxeddsa.so.2 is missing or unusable; install <c>libxeddsa2</c>.</exception>
    public XEdDsaCurveBackend()
    {
        LibraryStatus status = NativeLoader.XEdDsa;
        if (!status.Ready) throw NativeLibraryMissingException.ForXEdDsa(status.Failure);
    }

    /// <inheritdoc/>
    public override string Name => BackendName;

    /// <inheritdoc/>
    public override void XEdDsaSign(ReadOnlySpan<byte> curve25519PrivateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random, Span<byte> signature)
    {
        Guard.Exactly(curve25519PrivateKey, Guard.KeySize, nameof(curve25519PrivateKey), "A Curve25519 private key");
        Guard.Exactly(random, Guard.RandomSize, nameof(random), "XEdDSA randomness");
        Guard.AtLeast(signature, Guard.SignatureSize, nameof(signature), "An XEdDSA signature");
        Span<byte> a = stackalloc byte[Guard.KeySize];
        fixed (byte* k = curve25519PrivateKey)
        fixed (byte* pa = a)
        fixed (byte* m = message)
        fixed (byte* z = random)
        fixed (byte* sig = signature)
        {
            XEdDsaLib.priv_force_sign(pa, k, 0);
            XEdDsaLib.ed25519_priv_sign(sig, pa, m, (uint)message.Length, z);
        }
        CryptographicOperations.ZeroMemory(a);
    }

    /// <summary>
    /// libxeddsa's <c>curve25519_pub_to_ed25519_pub</c>: the Ed25519 key y = (u - 1)/(u + 1) for the Curve25519
    /// key u, with the given sign bit. Performs no validation (bit 255 of u is ignored and u is reduced mod p).
    /// </summary>
    public void Curve25519PublicKeyToEd25519(ReadOnlySpan<byte> curve25519PublicKey, Span<byte> ed25519PublicKey, bool signBit)
    {
        CheckCurve25519PublicKeyToEd25519(curve25519PublicKey, ed25519PublicKey);
        fixed (byte* u = curve25519PublicKey)
        fixed (byte* ed = ed25519PublicKey)
        {
            XEdDsaLib.curve25519_pub_to_ed25519_pub(ed, u, signBit ? (byte)1 : (byte)0);
        }
    }

    private protected override void NativeX25519Base(byte* publicKey, byte* privateKey) =>
        XEdDsaLib.priv_to_curve25519_pub(publicKey, privateKey); // clamps a copy of the key

    private protected override int NativeX25519(byte* sharedSecret, byte* privateKey, byte* peerPublicKey) =>
        XEdDsaLib.x25519(sharedSecret, privateKey, peerPublicKey);

    private protected override void NativeEd25519PublicKey(byte* publicKey, byte* seed) =>
        XEdDsaLib.seed_to_ed25519_pub(publicKey, seed);

    private protected override void NativeEd25519Sign(byte* signature, byte* message, int messageLength, byte* seed)
    {
        Span<byte> secretKey = stackalloc byte[64]; // seed || public key, see the class remarks
        new ReadOnlySpan<byte>(seed, Guard.KeySize).CopyTo(secretKey);
        fixed (byte* sk = secretKey)
        {
            XEdDsaLib.seed_to_ed25519_pub(sk + Guard.KeySize, sk);
            XEdDsaLib.ed25519_seed_sign(signature, sk, message, (uint)messageLength);
        }
        CryptographicOperations.ZeroMemory(secretKey);
    }

    private protected override bool NativeEd25519Verify(byte* signature, byte* message, int messageLength, byte* publicKey) =>
        XEdDsaLib.ed25519_verify(signature, publicKey, message, (uint)messageLength) == 0;

    private protected override int NativeEd25519PublicKeyToCurve25519(byte* curve25519PublicKey, byte* ed25519PublicKey) =>
        XEdDsaLib.ed25519_pub_to_curve25519_pub(curve25519PublicKey, ed25519PublicKey);

    // crypto_sign_ed25519_sk_to_curve25519 underneath: hashes exactly the first 32 bytes, then clamps.
    private protected override void NativeEd25519SeedToCurve25519(byte* curve25519PrivateKey, byte* seed) =>
        XEdDsaLib.seed_to_priv(curve25519PrivateKey, seed);

    private protected override void ConvertMontgomeryToEdwards(ReadOnlySpan<byte> curve25519PublicKey, Span<byte> ed25519PublicKey) =>
        Curve25519PublicKeyToEd25519(curve25519PublicKey, ed25519PublicKey, signBit: false);
}
