using System.Runtime.InteropServices;
using Omemo.Crypto;
using Omemo.Native.Interop;

namespace Omemo.Native;

/// <summary>
/// An <see cref="IHmacSha256BatchBackend"/> over the shim's SHA-NI code (<c>omemo_hmac_sha256_batch</c> in
/// libomemo_native_shim.so, native/src/sha256_shani.c): one P/Invoke per batch, lanes hashed one after another
/// with the CPU's SHA-256 instructions. Plug it in with <c>HmacSha256Batch.Backend = new ShaNiHmacSha256Backend()</c>;
/// key precomputation, KDF_CK and HKDF then route their MACs through it. Results are byte-identical to the managed paths.
/// </summary>
/// <remarks>
/// Optional: check <see cref="IsAvailable"/> (never throws) first. Needs the shim (see <see cref="ShimBatch"/> for how
/// it is found) built with this function, and a CPU with SHA-NI. Thread-safe; no allocation per call.
/// </remarks>
public sealed unsafe partial class ShaNiHmacSha256Backend : IHmacSha256BatchBackend
{
    private const string BatchExport = "omemo_hmac_sha256_batch";
    private const string SupportedExport = "omemo_sha256_shani_supported";

    private static readonly Lazy<string?> Failure = new(Probe);

    static ShaNiHmacSha256Backend() => NativeLoader.EnsureResolverRegistered();

    /// <summary>Creates the backend.</summary>
    /// <exception cref="NativeLibraryMissingException">The shim is missing, or too old to export the SHA-NI batch.</exception>
    /// <exception cref="PlatformNotSupportedException">The CPU has no SHA-NI.</exception>
    public ShaNiHmacSha256Backend()
    {
        string? failure = Failure.Value;
        if (failure is null) return;
        if (failure == NoShaNi) throw new PlatformNotSupportedException(failure);
        throw NativeLibraryMissingException.ForShim(failure);
    }

    /// <summary>True when the shim exports the SHA-NI batch and this CPU has SHA-NI. Never throws.</summary>
    public static bool IsAvailable => Failure.Value is null;

    /// <summary>Why the backend is unavailable, or null when it is available.</summary>
    public static string? UnavailableReason => Failure.Value;

    /// <inheritdoc/>
    public string Name => "sha-ni";

    /// <inheritdoc/>
    public void ComputeMacs(ReadOnlySpan<HmacSha256KeyState> states, ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets,
        ReadOnlySpan<int> lengths, Span<byte> output, int outputStride, int macLength)
    {
        // HmacSha256Batch validated the ranges; the shim checks them again and refuses rather than reading out of bounds.
        int rc;
        fixed (HmacSha256KeyState* s = states)
        fixed (byte* d = data)
        fixed (int* o = offsets)
        fixed (int* l = lengths)
        fixed (byte* output0 = output)
        {
            rc = omemo_hmac_sha256_batch((uint*)s, (nuint)states.Length, d, (nuint)data.Length, (uint*)o, (uint*)l,
                (nuint)lengths.Length, output0, (nuint)outputStride, (nuint)macLength);
        }
        if (rc != 0) throw new InvalidOperationException($"{BatchExport} failed with {rc} on arguments that passed the managed checks.");
    }

    private const string NoShaNi = "This CPU has no SHA-NI (SHA extensions); use the managed HmacSha256Batch paths.";

    private static string? Probe()
    {
        try
        {
            LibraryStatus shim = NativeLoader.Shim;
            if (!shim.Ready) return shim.Failure;
            IntPtr handle = NativeLibrary.Load(NativeLoader.ShimPath!);
            if (!NativeLibrary.TryGetExport(handle, BatchExport, out _) || !NativeLibrary.TryGetExport(handle, SupportedExport, out _))
                return $"{NativeLoader.ShimPath} does not export {BatchExport} (built before the SHA-NI helper; rebuild native/).";
            return omemo_sha256_shani_supported() == 1 ? null : NoShaNi;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    [LibraryImport(NativeLoader.ShimLibrary)]
    private static partial int omemo_sha256_shani_supported();

    [LibraryImport(NativeLoader.ShimLibrary)]
    private static partial int omemo_hmac_sha256_batch(uint* states, nuint stateCount, byte* data, nuint dataLength,
        uint* offsets, uint* lengths, nuint count, byte* output, nuint outputStride, nuint macLength);
}
