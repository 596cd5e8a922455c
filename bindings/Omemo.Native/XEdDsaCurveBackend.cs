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
public sealed unsafe class XEdDsaCurveBackend : ICurveBackend
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
    public string Name => BackendName;

    /// <inheritdoc/>
    public void X25519DerivePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        Guard.AtLeast(privateKey, Guard.KeySize, nameof(privateKey), "An X25519 private key");
        Guard.AtLeast(publicKey, Guard.KeySize, nameof(publicKey), "An X25519 public key");
        fixed (byte* sk = privateKey)
        fixed (byte* pk = publicKey)
        {
            XEdDsaLib.priv_to_curve25519_pub(pk, sk); // clamps a copy of the key
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
            rc = XEdDsaLib.x25519(ss, sk, pk);
        }
        if (rc != 0)
        {
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
        fixed (byte* s = seed)
        fixed (byte* pk = publicKey)
        {
            XEdDsaLib.seed_to_ed25519_pub(pk, s);
        }
    }

    /// <inheritdoc/>
    public void Ed25519Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Guard.Exactly(seed, Guard.KeySize, nameof(seed), "An Ed25519 seed");
        Guard.AtLeast(signature, Guard.SignatureSize, nameof(signature), "An Ed25519 signature");
        Span<byte> secretKey = stackalloc byte[64]; // seed || public key, see the class remarks
        seed[..Guard.KeySize].CopyTo(secretKey);
        fixed (byte* sk = secretKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            XEdDsaLib.seed_to_ed25519_pub(sk + Guard.KeySize, sk);
            XEdDsaLib.ed25519_seed_sign(sig, sk, m, (uint)message.Length);
        }
        CryptographicOperations.ZeroMemory(secretKey);
    }

    /// <inheritdoc/>
    /// <remarks>This is libsodium's <c>crypto_sign_verify_detached</c>; see <see cref="SodiumCurveBackend.Ed25519Verify"/> for its policy.</remarks>
    public bool Ed25519Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Guard.KeySize || signature.Length != Guard.SignatureSize) return false;
        fixed (byte* pk = publicKey)
        fixed (byte* m = message)
        fixed (byte* sig = signature)
        {
            return XEdDsaLib.ed25519_verify(sig, pk, m, (uint)message.Length) == 0;
        }
    }

    /// <inheritdoc/>
    public bool TryEd25519PublicKeyToCurve25519(ReadOnlySpan<byte> ed25519PublicKey, Span<byte> curve25519PublicKey)
    {
        Guard.AtLeast(curve25519PublicKey, Guard.KeySize, nameof(curve25519PublicKey), "A Curve25519 public key");
        if (ed25519PublicKey.Length != Guard.KeySize) return false;
        int rc;
        fixed (byte* ed = ed25519PublicKey)
        fixed (byte* cu = curve25519PublicKey)
        {
            rc = XEdDsaLib.ed25519_pub_to_curve25519_pub(cu, ed);
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
        fixed (byte* s = seed)
        fixed (byte* x = curve25519PrivateKey)
        {
            // crypto_sign_ed25519_sk_to_curve25519 underneath: hashes exactly the first 32 bytes, then clamps.
            XEdDsaLib.seed_to_priv(x, s);
        }
    }

    /// <inheritdoc/>
    public void XEdDsaSign(ReadOnlySpan<byte> curve25519PrivateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random, Span<byte> signature)
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
    /// Verifies an XEdDSA signature as the XEdDSA specification defines it: false when u ≥ p (as a 256-bit
    /// integer, so bit 255 must be 0; libxeddsa itself would silently reduce such a u) or s ≥ 2^253 (top three
    /// bits of byte 63); otherwise <c>ed25519_verify</c> (libsodium, which also requires s &lt; q) under
    /// <c>curve25519_pub_to_ed25519_pub(u, sign bit 0)</c>.
    /// </summary>
    public bool XEdDsaVerify(ReadOnlySpan<byte> curve25519PublicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (curve25519PublicKey.Length != Guard.KeySize || signature.Length != Guard.SignatureSize) return false;
        if ((signature[63] & 0xE0) != 0) return false;
        if (!MontgomeryToEdwards.IsCanonical(curve25519PublicKey)) return false;
        Span<byte> edwards = stackalloc byte[Guard.KeySize];
        fixed (byte* u = curve25519PublicKey)
        fixed (byte* ed = edwards)
        {
            XEdDsaLib.curve25519_pub_to_ed25519_pub(ed, u, 0);
        }
        return Ed25519Verify(edwards, message, signature);
    }

    /// <summary>
    /// libxeddsa's <c>curve25519_pub_to_ed25519_pub</c>: the Ed25519 key y = (u - 1)/(u + 1) for the Curve25519
    /// key u, with the given sign bit. Performs no validation (bit 255 of u is ignored and u is reduced mod p).
    /// </summary>
    public void Curve25519PublicKeyToEd25519(ReadOnlySpan<byte> curve25519PublicKey, Span<byte> ed25519PublicKey, bool signBit)
    {
        Guard.Exactly(curve25519PublicKey, Guard.KeySize, nameof(curve25519PublicKey), "A Curve25519 public key");
        Guard.AtLeast(ed25519PublicKey, Guard.KeySize, nameof(ed25519PublicKey), "An Ed25519 public key");
        fixed (byte* u = curve25519PublicKey)
        fixed (byte* ed = ed25519PublicKey)
        {
            XEdDsaLib.curve25519_pub_to_ed25519_pub(ed, u, signBit ? (byte)1 : (byte)0);
        }
    }
}
