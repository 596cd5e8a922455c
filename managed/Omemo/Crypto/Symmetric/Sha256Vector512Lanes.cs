using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Omemo.Crypto;

/// <summary>
/// Sixteen lanes in a 512-bit register (AVX-512F): vprord for the rotations and vpternlogd for Ch, Maj and the
/// three-way XORs, so a round is about half the instructions of the shift-based form.
/// </summary>
internal readonly struct Sha256Vector512Lanes : ISha256Lanes<Vector512<uint>>
{
    public static int Width => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Load(ref uint source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<uint> value, ref uint destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Broadcast(uint value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Add(Vector512<uint> left, Vector512<uint> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Select(Vector512<uint> mask, Vector512<uint> ifSet, Vector512<uint> ifClear) =>
        Avx512F.TernaryLogic(mask, ifSet, ifClear, 0xCA);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Ch(Vector512<uint> e, Vector512<uint> f, Vector512<uint> g) => Avx512F.TernaryLogic(e, f, g, 0xCA);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Maj(Vector512<uint> a, Vector512<uint> b, Vector512<uint> c) => Avx512F.TernaryLogic(a, b, c, 0xE8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> BigSigma0(Vector512<uint> a) => Xor3(Avx512F.RotateRight(a, 2), Avx512F.RotateRight(a, 13), Avx512F.RotateRight(a, 22));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> BigSigma1(Vector512<uint> e) => Xor3(Avx512F.RotateRight(e, 6), Avx512F.RotateRight(e, 11), Avx512F.RotateRight(e, 25));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> SmallSigma0(Vector512<uint> w) => Xor3(Avx512F.RotateRight(w, 7), Avx512F.RotateRight(w, 18), Avx512F.ShiftRightLogical(w, 3));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> SmallSigma1(Vector512<uint> w) => Xor3(Avx512F.RotateRight(w, 17), Avx512F.RotateRight(w, 19), Avx512F.ShiftRightLogical(w, 10));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Xor3(Vector512<uint> a, Vector512<uint> b, Vector512<uint> c) => Avx512F.TernaryLogic(a, b, c, 0x96);
}
