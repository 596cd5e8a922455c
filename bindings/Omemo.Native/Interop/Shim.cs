using System.Runtime.InteropServices;

namespace Omemo.Native.Interop;

/// <summary>
/// Source-generated imports of libomemo_native_shim.so (native/include/omemo_native_shim.h, ABI version 1):
/// <code>
/// int32_t omemo_shim_abi_version(void);
/// int32_t omemo_shim_init(void);
/// int64_t omemo_x25519_batch(const uint8_t *priv, const uint8_t *pubs, uint8_t *out, size_t count);
/// int32_t omemo_x25519_base_batch(const uint8_t *privs, uint8_t *pubs, size_t count);
/// int32_t omemo_ed25519_sign_batch(const uint8_t *seed, const uint8_t *msgs, size_t msgs_total,
///                                  const uint32_t *msg_lens, size_t count, uint8_t *sigs);
/// int64_t omemo_ed25519_verify_batch(const uint8_t *pks, const uint8_t *msgs, size_t msgs_total,
///                                    const uint32_t *msg_lens, size_t count, const uint8_t *sigs, uint8_t *results);
/// </code>
/// <c>size_t</c> is <see cref="nuint"/>. The shim is found beside this assembly or through
/// <c>OMEMO_NATIVE_SHIM</c> (see <see cref="NativeLoader"/>).
/// </summary>
internal static unsafe partial class Shim
{
    /// <summary>The OMEMO_SHIM_ABI_VERSION this binding was written against.</summary>
    internal const int AbiVersion = 1;

    static Shim() => NativeLoader.EnsureResolverRegistered();

    /// <summary>Trivial call: used to check the ABI version and to measure the bare transition cost.</summary>
    [LibraryImport(NativeLoader.ShimLibrary)]
    internal static partial int omemo_shim_abi_version();

    [LibraryImport(NativeLoader.ShimLibrary)]
    internal static partial int omemo_shim_init();

    [LibraryImport(NativeLoader.ShimLibrary)]
    internal static partial long omemo_x25519_batch(byte* priv, byte* pubs, byte* @out, nuint count);

    [LibraryImport(NativeLoader.ShimLibrary)]
    internal static partial int omemo_x25519_base_batch(byte* privs, byte* pubs, nuint count);

    [LibraryImport(NativeLoader.ShimLibrary)]
    internal static partial int omemo_ed25519_sign_batch(byte* seed, byte* msgs, nuint msgs_total, uint* msg_lens, nuint count, byte* sigs);

    [LibraryImport(NativeLoader.ShimLibrary)]
    internal static partial long omemo_ed25519_verify_batch(byte* pks, byte* msgs, nuint msgs_total, uint* msg_lens, nuint count, byte* sigs, byte* results);
}
