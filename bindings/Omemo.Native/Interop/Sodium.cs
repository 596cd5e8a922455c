using System.Runtime.InteropServices;

namespace Omemo.Native.Interop;

/// <summary>
/// Source-generated imports of the libsodium functions the bindings use, with the C prototypes of
/// /usr/include/sodium/*.h (libsodium 1.0.18). All parameters are blittable pointers, so the generated
/// stubs do no marshalling; callers pin spans with <c>fixed</c>.
/// <para>
/// No import carries <c>[SuppressGCTransition]</c>: every function here runs for tens of microseconds
/// (a scalar multiplication, or SHA-512 over a whole message), while a normal transition costs
/// nanoseconds, and a suppressed one would hold off the GC for the whole call.
/// </para>
/// Call only after <see cref="NativeLoader.Sodium"/> reported ready (that also runs <c>sodium_init()</c>).
/// </summary>
internal static unsafe partial class Sodium
{
    internal const int PublicKeyBytes = 32;   // crypto_sign_PUBLICKEYBYTES, crypto_scalarmult_BYTES
    internal const int SecretKeyBytes = 64;   // crypto_sign_SECRETKEYBYTES: seed || public key
    internal const int SignatureBytes = 64;   // crypto_sign_BYTES

    static Sodium() => NativeLoader.EnsureResolverRegistered();

    /// <summary><c>int sodium_init(void);</c> 0 = initialised now, 1 = already, -1 = failure.</summary>
    [LibraryImport(NativeLoader.SodiumLibrary)]
    internal static partial int sodium_init();

    /// <summary><c>int crypto_scalarmult_curve25519(unsigned char *q, const unsigned char *n, const unsigned char *p);</c> -1 when q is all zero.</summary>
    [LibraryImport(NativeLoader.SodiumLibrary)]
    internal static partial int crypto_scalarmult_curve25519(byte* q, byte* n, byte* p);

    /// <summary><c>int crypto_scalarmult_curve25519_base(unsigned char *q, const unsigned char *n);</c> clamps n.</summary>
    [LibraryImport(NativeLoader.SodiumLibrary)]
    internal static partial int crypto_scalarmult_curve25519_base(byte* q, byte* n);

    /// <summary><c>int crypto_sign_seed_keypair(unsigned char *pk, unsigned char *sk, const unsigned char *seed);</c> sk is 64 bytes.</summary>
    [LibraryImport(NativeLoader.SodiumLibrary)]
    internal static partial int crypto_sign_seed_keypair(byte* pk, byte* sk, byte* seed);

    /// <summary><c>int crypto_sign_detached(unsigned char *sig, unsigned long long *siglen_p, const unsigned char *m, unsigned long long mlen, const unsigned char *sk);</c></summary>
    [LibraryImport(NativeLoader.SodiumLibrary)]
    internal static partial int crypto_sign_detached(byte* sig, ulong* siglen_p, byte* m, ulong mlen, byte* sk);

    /// <summary><c>int crypto_sign_verify_detached(const unsigned char *sig, const unsigned char *m, unsigned long long mlen, const unsigned char *pk);</c> 0 = valid.</summary>
    [LibraryImport(NativeLoader.SodiumLibrary)]
    internal static partial int crypto_sign_verify_detached(byte* sig, byte* m, ulong mlen, byte* pk);

    /// <summary><c>int crypto_sign_ed25519_pk_to_curve25519(unsigned char *curve25519_pk, const unsigned char *ed25519_pk);</c> -1 for invalid, small-order or mixed-order keys.</summary>
    [LibraryImport(NativeLoader.SodiumLibrary)]
    internal static partial int crypto_sign_ed25519_pk_to_curve25519(byte* curve25519_pk, byte* ed25519_pk);

    /// <summary><c>int crypto_sign_ed25519_sk_to_curve25519(unsigned char *curve25519_sk, const unsigned char *ed25519_sk);</c> ed25519_sk is the 64-byte secret key.</summary>
    [LibraryImport(NativeLoader.SodiumLibrary)]
    internal static partial int crypto_sign_ed25519_sk_to_curve25519(byte* curve25519_sk, byte* ed25519_sk);
}
