using System.Numerics;
using System.Runtime.CompilerServices;

namespace Omemo.Crypto;

/// <summary>
/// The SHA-256 round functions over a "lane vector": <typeparamref name="TVec"/> holds word j of
/// <see cref="Width"/> independent messages. One generic compression (<see cref="Sha256Compress"/>) serves every
/// width; the JIT specialises it per struct implementation, so each instantiation is straight-line SIMD code.
/// </summary>
internal interface ISha256Lanes<TVec>
    where TVec : unmanaged
{
    /// <summary>Number of messages hashed side by side.</summary>
    static abstract int Width { get; }

    /// <summary>Reads <see cref="Width"/> consecutive words (one per lane).</summary>
    static abstract TVec Load(ref uint source);

    /// <summary>Writes <see cref="Width"/> consecutive words (one per lane).</summary>
    static abstract void Store(TVec value, ref uint destination);

    /// <summary>The same word in every lane.</summary>
    static abstract TVec Broadcast(uint value);

    /// <summary>Lane-wise addition modulo 2^32.</summary>
    static abstract TVec Add(TVec left, TVec right);

    /// <summary>Lane-wise <c>(mask &amp; ifSet) | (~mask &amp; ifClear)</c>.</summary>
    static abstract TVec Select(TVec mask, TVec ifSet, TVec ifClear);

    /// <summary>Ch(e, f, g) = (e &amp; f) ^ (~e &amp; g).</summary>
    static abstract TVec Ch(TVec e, TVec f, TVec g);

    /// <summary>Maj(a, b, c) = (a &amp; b) ^ (a &amp; c) ^ (b &amp; c).</summary>
    static abstract TVec Maj(TVec a, TVec b, TVec c);

    /// <summary>Σ0(a) = ROTR2 ^ ROTR13 ^ ROTR22.</summary>
    static abstract TVec BigSigma0(TVec a);

    /// <summary>Σ1(e) = ROTR6 ^ ROTR11 ^ ROTR25.</summary>
    static abstract TVec BigSigma1(TVec e);

    /// <summary>σ0(w) = ROTR7 ^ ROTR18 ^ SHR3.</summary>
    static abstract TVec SmallSigma0(TVec w);

    /// <summary>σ1(w) = ROTR17 ^ ROTR19 ^ SHR10.</summary>
    static abstract TVec SmallSigma1(TVec w);
}

/// <summary>One lane in a general-purpose register: the portable fallback.</summary>
internal readonly struct Sha256ScalarLanes : ISha256Lanes<uint>
{
    public static int Width => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Load(ref uint source) => source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(uint value, ref uint destination) => destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Broadcast(uint value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Add(uint left, uint right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Select(uint mask, uint ifSet, uint ifClear) => (mask & ifSet) | (~mask & ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Ch(uint e, uint f, uint g) => g ^ (e & (f ^ g));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Maj(uint a, uint b, uint c) => (a & b) | (c & (a | b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint BigSigma0(uint a) => BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint BigSigma1(uint e) => BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SmallSigma0(uint w) => BitOperations.RotateRight(w, 7) ^ BitOperations.RotateRight(w, 18) ^ (w >> 3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SmallSigma1(uint w) => BitOperations.RotateRight(w, 17) ^ BitOperations.RotateRight(w, 19) ^ (w >> 10);
}
