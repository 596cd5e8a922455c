using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Omemo.Crypto;

/// <summary>The lane widths of the managed multi-buffer SHA-256.</summary>
internal enum Sha256Path
{
    /// <summary>One message at a time in general-purpose registers.</summary>
    Scalar,

    /// <summary>Eight messages per 256-bit register (needs AVX2).</summary>
    Vector256,

    /// <summary>Sixteen messages per 512-bit register (needs AVX-512F).</summary>
    Vector512,
}

/// <summary>One unit of batch work that runs on a group of up to one lane width of consecutive lanes.</summary>
internal interface ISha256GroupJob
{
    /// <summary>Processes lanes [first, first + count), count &lt;= TOps.Width.</summary>
    void Run<TOps, TVec>(int first, int count)
        where TOps : ISha256Lanes<TVec>
        where TVec : unmanaged;
}

/// <summary>Splits a batch into lane groups and picks the SIMD width of each group at run time.</summary>
internal static class Sha256MultiBuffer
{
    /// <summary>The widest group (AVX-512: 16 lanes); scratch buffers are sized for it.</summary>
    internal const int MaxWidth = 16;

    [ThreadStatic]
    private static Sha256Path? t_forcedPath;

    /// <summary>
    /// Test and benchmark hook, per thread (parallel tests cannot disturb each other): run every group on this
    /// path (it must be supported); null = automatic.
    /// </summary>
    internal static Sha256Path? ForcedPath
    {
        get => t_forcedPath;
        set => t_forcedPath = value;
    }

    /// <summary>The widest path this CPU runs.</summary>
    internal static Sha256Path BestPath =>
        Avx512F.IsSupported ? Sha256Path.Vector512 : Avx2.IsSupported ? Sha256Path.Vector256 : Sha256Path.Scalar;

    /// <summary>Whether <paramref name="path"/> can run on this CPU.</summary>
    internal static bool IsSupported(Sha256Path path) => path switch
    {
        Sha256Path.Vector512 => Avx512F.IsSupported,
        Sha256Path.Vector256 => Avx2.IsSupported,
        _ => true,
    };

    /// <summary>Runs <paramref name="job"/> over lanes [0, count) in groups.</summary>
    internal static void ForEachGroup<TJob>(ref TJob job, int count)
        where TJob : ISha256GroupJob, allows ref struct
    {
        int first = 0;
        while (first < count)
        {
            int remaining = count - first;
            switch (PathFor(remaining))
            {
                case Sha256Path.Vector512:
                    job.Run<Sha256Vector512Lanes, Vector512<uint>>(first, Math.Min(remaining, 16));
                    first += 16;
                    break;
                case Sha256Path.Vector256:
                    job.Run<Sha256Vector256Lanes, Vector256<uint>>(first, Math.Min(remaining, 8));
                    first += 8;
                    break;
                default:
                    job.Run<Sha256ScalarLanes, uint>(first, 1);
                    first++;
                    break;
            }
        }
    }

    // Automatic choice: the widest path for full groups; a tail of 2..8 lanes costs less at 8 lanes than at 16,
    // and a single lane less in scalar code than in a mostly empty vector (measured in HashBatchBenchmarks).
    private static Sha256Path PathFor(int remaining)
    {
        if (ForcedPath is { } forced)
        {
            if (!IsSupported(forced)) throw new PlatformNotSupportedException($"SHA-256 path {forced} is not supported by this CPU.");
            return forced;
        }
        if (remaining > 8 && Avx512F.IsSupported) return Sha256Path.Vector512;
        if (remaining > 1 && Avx2.IsSupported) return Sha256Path.Vector256;
        return Sha256Path.Scalar;
    }
}
