using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Omemo.Crypto;

/// <summary>
/// FIPS-197 AES-256 key expansion for four lanes at once, word-sliced: register <c>w[j]</c> holds key word <c>j</c>
/// of the four lanes (one lane per 32-bit column). Each new word is then one XOR for all four lanes, and SubWord of
/// four lanes is one PSHUFB + AESENCLAST (whose ShiftRows the shuffle undoes, and whose round-key XOR adds rcon), so
/// no AESKEYGENASSIST with its immediate rcon is needed. On this Zen 4 it measured on par with interleaved
/// AESKEYGENASSIST chains (about 22 ns per lane, within the noise); it is kept because it does not depend on
/// AESKEYGENASSIST's speed (slow on some Intel cores) and widens directly to VAES (16 lanes per AESENCLAST) once .NET
/// exposes it. A 4×4 transpose turns each group of four words back into the lanes' round keys.
/// </summary>
internal static class AesCbcBatchKeySchedule
{
    internal const int LanesPerCall = 4;

    internal static bool IsSupported => AesNi.IsSupported && Ssse3.IsSupported;

    /// <summary>InvShiftRows then RotWord on every column: AESENCLAST then yields SubWord(RotWord(w)) per column.</summary>
    private static Vector128<byte> RotSubMask => Vector128.Create((byte)1, 14, 11, 4, 5, 2, 15, 8, 9, 6, 3, 12, 13, 10, 7, 0);

    /// <summary>InvShiftRows on every column: AESENCLAST then yields SubWord(w) per column.</summary>
    private static Vector128<byte> SubMask => Vector128.Create((byte)0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3);

    /// <summary>
    /// Expands the keys of lanes <paramref name="first"/> .. <paramref name="first"/> + 3 of <paramref name="keys"/>
    /// (missing lanes read as zero keys) into <paramref name="roundKeys"/> (layout <c>round * Width + lane</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Expand4(ReadOnlySpan<byte> keys, int first, ref AesCbcBatchRoundKeys roundKeys)
    {
        ref Vector128<byte> destination = ref Unsafe.Add(ref roundKeys[0], first);
        Transpose(LoadHalf(keys, first, 0), LoadHalf(keys, first + 1, 0), LoadHalf(keys, first + 2, 0), LoadHalf(keys, first + 3, 0),
            out var w0, out var w1, out var w2, out var w3);
        Transpose(LoadHalf(keys, first, 16), LoadHalf(keys, first + 1, 16), LoadHalf(keys, first + 2, 16), LoadHalf(keys, first + 3, 16),
            out var w4, out var w5, out var w6, out var w7);
        Store(w0, w1, w2, w3, ref destination);
        Store(w4, w5, w6, w7, ref Unsafe.Add(ref destination, AesCbcBatchAesNi.Width));

        Vector128<byte> rcon = Vector128.Create(1u).AsByte();
        for (int round = 2; ; round += 2)
        {
            Next(ref w0, ref w1, ref w2, ref w3, SubWord(w7, RotSubMask, rcon));
            Store(w0, w1, w2, w3, ref Unsafe.Add(ref destination, round * AesCbcBatchAesNi.Width));
            if (round == 14)
            {
                break;
            }

            Next(ref w4, ref w5, ref w6, ref w7, SubWord(w3, SubMask, Vector128<byte>.Zero));
            Store(w4, w5, w6, w7, ref Unsafe.Add(ref destination, (round + 1) * AesCbcBatchAesNi.Width));
            rcon = Sse2.ShiftLeftLogical(rcon.AsUInt32(), 1).AsByte();
        }
    }

    /// <summary>Half <paramref name="offset"/> (0 or 16) of lane <paramref name="lane"/>'s key, or zero past the last lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> LoadHalf(ReadOnlySpan<byte> keys, int lane, int offset)
        => lane * AesCbc.KeySize < keys.Length ? Vector128.Create(keys.Slice((lane * AesCbc.KeySize) + offset, 16)) : Vector128<byte>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> SubWord(Vector128<byte> w, Vector128<byte> mask, Vector128<byte> rcon)
        => AesNi.EncryptLast(Ssse3.Shuffle(w, mask), rcon);

    /// <summary>The next four words of every lane: w[i] = w[i - 8] ^ w[i - 1], with <paramref name="t"/> standing in for w[i - 1] at the first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Next(ref Vector128<byte> a, ref Vector128<byte> b, ref Vector128<byte> c, ref Vector128<byte> d, Vector128<byte> t)
    {
        a ^= t;
        b ^= a;
        c ^= b;
        d ^= c;
    }

    /// <summary>Transposes the four word-sliced registers back into one round key per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, Vector128<byte> d, ref Vector128<byte> destination)
    {
        Transpose(a, b, c, d, out Unsafe.Add(ref destination, 0), out Unsafe.Add(ref destination, 1), out Unsafe.Add(ref destination, 2), out Unsafe.Add(ref destination, 3));
    }

    /// <summary>4×4 transpose of 32-bit words (its own inverse).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(
        Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, Vector128<byte> d,
        out Vector128<byte> r0, out Vector128<byte> r1, out Vector128<byte> r2, out Vector128<byte> r3)
    {
        Vector128<ulong> ab0 = Sse2.UnpackLow(a.AsUInt32(), b.AsUInt32()).AsUInt64(), cd0 = Sse2.UnpackLow(c.AsUInt32(), d.AsUInt32()).AsUInt64();
        Vector128<ulong> ab1 = Sse2.UnpackHigh(a.AsUInt32(), b.AsUInt32()).AsUInt64(), cd1 = Sse2.UnpackHigh(c.AsUInt32(), d.AsUInt32()).AsUInt64();
        r0 = Sse2.UnpackLow(ab0, cd0).AsByte();
        r1 = Sse2.UnpackHigh(ab0, cd0).AsByte();
        r2 = Sse2.UnpackLow(ab1, cd1).AsByte();
        r3 = Sse2.UnpackHigh(ab1, cd1).AsByte();
    }
}
