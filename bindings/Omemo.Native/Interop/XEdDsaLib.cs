using System.Runtime.InteropServices;

namespace Omemo.Native.Interop;

/// <summary>
/// Source-generated imports of libxeddsa (Debian libxeddsa2, 2.0.0). Debian's /usr/include/xeddsa.h includes a
/// <c>cross_platform.h</c> that is not shipped, so the prototypes are declared here by hand, exactly as in
/// that header (parameter names from the library's sources):
/// <code>
/// void ed25519_priv_sign(uint8_t* sig, const uint8_t* priv, const uint8_t* msg, const uint32_t msg_size, const uint8_t* nonce);
/// void ed25519_seed_sign(uint8_t* sig, const uint8_t* seed, const uint8_t* msg, const uint32_t msg_size);
/// int  ed25519_verify(const uint8_t* sig, const uint8_t* ed25519_pub, const uint8_t* msg, const uint32_t msg_size);
/// void curve25519_pub_to_ed25519_pub(uint8_t* ed25519_pub, const uint8_t* curve25519_pub, const bool set_sign_bit);
/// int  ed25519_pub_to_curve25519_pub(uint8_t* curve25519_pub, const uint8_t* ed25519_pub);
/// void priv_to_curve25519_pub(uint8_t* curve25519_pub, const uint8_t* priv);
/// void priv_to_ed25519_pub(uint8_t* ed25519_pub, const uint8_t* priv);
/// void seed_to_ed25519_pub(uint8_t* ed25519_pub, const uint8_t* seed);
/// void priv_force_sign(uint8_t* priv_out, const uint8_t* priv_in, const bool set_sign_bit);
/// void seed_to_priv(uint8_t* priv, const uint8_t* seed);
/// int  x25519(uint8_t* shared_secret, const uint8_t* priv, const uint8_t* curve25519_pub);
/// int  xeddsa_init();
/// </code>
/// C <c>bool</c> (<c>_Bool</c>) is one byte on the SysV x86-64 and AArch64 ABIs, so it is passed as
/// <see cref="byte"/> (0 or 1), which keeps the stubs blittable. <c>uint32_t</c> message sizes limit a message
/// to 4 GiB, more than a span can hold. The library has no <c>xeddsa_sign</c>/<c>xeddsa_verify</c>:
/// XEdDSA is <c>priv_force_sign(a, k, false)</c> followed by <c>ed25519_priv_sign</c>, and verification is
/// <c>curve25519_pub_to_ed25519_pub(A, u, false)</c> followed by <c>ed25519_verify</c>.
/// No import carries <c>[SuppressGCTransition]</c>; see <see cref="Sodium"/>.
/// </summary>
internal static unsafe partial class XEdDsaLib
{
    static XEdDsaLib() => NativeLoader.EnsureResolverRegistered();

    [LibraryImport(NativeLoader.XEdDsaLibrary)]
    internal static partial void ed25519_priv_sign(byte* sig, byte* priv, byte* msg, uint msg_size, byte* nonce);

    [LibraryImport(NativeLoader.XEdDsaLibrary)]
    internal static partial void ed25519_seed_sign(byte* sig, byte* seed, byte* msg, uint msg_size);

    /// <summary>0 = valid, -1 = invalid (it is libsodium's <c>crypto_sign_verify_detached</c>).</summary>
    [LibraryImport(NativeLoader.XEdDsaLibrary)]
    internal static partial int ed25519_verify(byte* sig, byte* ed25519_pub, byte* msg, uint msg_size);

    [LibraryImport(NativeLoader.XEdDsaLibrary)]
    internal static partial void curve25519_pub_to_ed25519_pub(byte* ed25519_pub, byte* curve25519_pub, byte set_sign_bit);

    /// <summary>0 = converted, -1 = rejected (libsodium's <c>crypto_sign_ed25519_pk_to_curve25519</c>).</summary>
    [LibraryImport(NativeLoader.XEdDsaLibrary)]
    internal static partial int ed25519_pub_to_curve25519_pub(byte* curve25519_pub, byte* ed25519_pub);

    [LibraryImport(NativeLoader.XEdDsaLibrary)]
    internal static partial void priv_to_curve25519_pub(byte* curve25519_pub, byte* priv);

    [LibraryImport(NativeLoader.XEdDsaLibrary)]
    internal static partial void priv_to_ed25519_pub(byte* ed25519_pub, byte* priv);

    [LibraryImport(NativeLoader.XEdDsaLibrary)]
    internal static partial void seed_to_ed25519_pub(byte* ed25519_pub, byte* seed);

    [LibraryImport(NativeLoader.XEdDsaLibrary)]
    internal static partial void priv_force_sign(byte* priv_out, byte* priv_in, byte set_sign_bit);

    [LibraryImport(NativeLoader.XEdDsaLibrary)]
    internal static partial void seed_to_priv(byte* priv, byte* seed);

    /// <summary>0 = agreed, -1 = all-zero result (small-order peer key).</summary>
    [LibraryImport(NativeLoader.XEdDsaLibrary)]
    internal static partial int x25519(byte* shared_secret, byte* priv, byte* curve25519_pub);

    /// <summary>Returns <c>sodium_init()</c>'s value: 0, 1 (already initialised) or -1.</summary>
    [LibraryImport(NativeLoader.XEdDsaLibrary)]
    internal static partial int xeddsa_init();
}
