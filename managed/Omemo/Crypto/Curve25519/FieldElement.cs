using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Omemo.Crypto.Curve25519;

/// <summary>
/// An element of GF(2^255 - 19) in radix 2^51: five 64-bit limbs, value = sum(l_i * 2^(51 i)).
/// Invariant ("loosely reduced"): every operation accepts and returns limbs below 2^52, so products
/// fit in 128 bits with room for the 19x folding. Nothing here branches on or indexes by limb values;
/// conditional operations use masks.
/// Hand-written because the BCL has no Curve25519 field arithmetic (and the curve code must be
/// constant time and allocation-free).
/// </summary>
internal struct FieldElement
{
    internal ulong L0, L1, L2, L3, L4;

    internal const ulong Mask51 = (1UL << 51) - 1;

    internal static FieldElement Zero => default;

    internal static FieldElement One => new() { L0 = 1 };

    internal FieldElement(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        L0 = l0; L1 = l1; L2 = l2; L3 = l3; L4 = l4;
    }

    /// <summary>Decodes 32 little-endian bytes, ignoring the top bit (RFC 7748 / RFC 8032 convention). Non-canonical values are accepted.</summary>
    internal static void FromBytes(out FieldElement r, ReadOnlySpan<byte> s)
    {
        ulong w0 = BinaryPrimitives.ReadUInt64LittleEndian(s);
        ulong w1 = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
        ulong w2 = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
        ulong w3 = BinaryPrimitives.ReadUInt64LittleEndian(s[24..]);
        r.L0 = w0 & Mask51;
        r.L1 = ((w0 >> 51) | (w1 << 13)) & Mask51;
        r.L2 = ((w1 >> 38) | (w2 << 26)) & Mask51;
        r.L3 = ((w2 >> 25) | (w3 << 39)) & Mask51;
        r.L4 = (w3 >> 12) & Mask51;
    }

    /// <summary>Encodes the canonical (fully reduced, &lt; p) little-endian form.</summary>
    internal static void ToBytes(Span<byte> s, in FieldElement a)
    {
        FieldElement t = a;
        // Two passes leave every limb below 2^51 (see the bounds on Carry's inputs), so t < 2^255.
        Carry(ref t);
        Carry(ref t);
        // q = 1 iff t >= p, read off the carry out of t + 19.
        ulong q = (t.L0 + 19) >> 51;
        q = (t.L1 + q) >> 51;
        q = (t.L2 + q) >> 51;
        q = (t.L3 + q) >> 51;
        q = (t.L4 + q) >> 51;
        t.L0 += 19 * q;
        t.L1 += t.L0 >> 51; t.L0 &= Mask51;
        t.L2 += t.L1 >> 51; t.L1 &= Mask51;
        t.L3 += t.L2 >> 51; t.L2 &= Mask51;
        t.L4 += t.L3 >> 51; t.L3 &= Mask51;
        t.L4 &= Mask51;
        BinaryPrimitives.WriteUInt64LittleEndian(s, t.L0 | (t.L1 << 51));
        BinaryPrimitives.WriteUInt64LittleEndian(s[8..], (t.L1 >> 13) | (t.L2 << 38));
        BinaryPrimitives.WriteUInt64LittleEndian(s[16..], (t.L2 >> 26) | (t.L3 << 25));
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], (t.L3 >> 39) | (t.L4 << 12));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Carry(ref FieldElement t)
    {
        t.L1 += t.L0 >> 51; t.L0 &= Mask51;
        t.L2 += t.L1 >> 51; t.L1 &= Mask51;
        t.L3 += t.L2 >> 51; t.L2 &= Mask51;
        t.L4 += t.L3 >> 51; t.L3 &= Mask51;
        t.L0 += 19 * (t.L4 >> 51); t.L4 &= Mask51;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Add(out FieldElement r, in FieldElement a, in FieldElement b)
    {
        r.L0 = a.L0 + b.L0;
        r.L1 = a.L1 + b.L1;
        r.L2 = a.L2 + b.L2;
        r.L3 = a.L3 + b.L3;
        r.L4 = a.L4 + b.L4;
        Carry(ref r);
    }

    // 2p in radix 2^51, so that a - b + 2p stays non-negative for loosely reduced b.
    private const ulong TwoP0 = 0xFFFFFFFFFFFDA; // 2 * (2^51 - 19)
    private const ulong TwoP1234 = 0xFFFFFFFFFFFFE; // 2 * (2^51 - 1)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Sub(out FieldElement r, in FieldElement a, in FieldElement b)
    {
        r.L0 = a.L0 + TwoP0 - b.L0;
        r.L1 = a.L1 + TwoP1234 - b.L1;
        r.L2 = a.L2 + TwoP1234 - b.L2;
        r.L3 = a.L3 + TwoP1234 - b.L3;
        r.L4 = a.L4 + TwoP1234 - b.L4;
        Carry(ref r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Negate(out FieldElement r, in FieldElement a) => Sub(out r, Zero, a);

    internal static void Mul(out FieldElement r, in FieldElement a, in FieldElement b)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4;
        ulong b0 = b.L0, b1 = b.L1, b2 = b.L2, b3 = b.L3, b4 = b.L4;
        ulong b1_19 = b1 * 19, b2_19 = b2 * 19, b3_19 = b3 * 19, b4_19 = b4 * 19;

        UInt128 t0 = Math.BigMul(a0, b0) + Math.BigMul(a1, b4_19) + Math.BigMul(a2, b3_19) + Math.BigMul(a3, b2_19) + Math.BigMul(a4, b1_19);
        UInt128 t1 = Math.BigMul(a0, b1) + Math.BigMul(a1, b0) + Math.BigMul(a2, b4_19) + Math.BigMul(a3, b3_19) + Math.BigMul(a4, b2_19);
        UInt128 t2 = Math.BigMul(a0, b2) + Math.BigMul(a1, b1) + Math.BigMul(a2, b0) + Math.BigMul(a3, b4_19) + Math.BigMul(a4, b3_19);
        UInt128 t3 = Math.BigMul(a0, b3) + Math.BigMul(a1, b2) + Math.BigMul(a2, b1) + Math.BigMul(a3, b0) + Math.BigMul(a4, b4_19);
        UInt128 t4 = Math.BigMul(a0, b4) + Math.BigMul(a1, b3) + Math.BigMul(a2, b2) + Math.BigMul(a3, b1) + Math.BigMul(a4, b0);
        Reduce(out r, t0, t1, t2, t3, t4);
    }

    internal static void Square(out FieldElement r, in FieldElement a)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4;
        ulong d0 = a0 * 2, d1 = a1 * 2, d2 = a2 * 2;
        ulong a3_19 = a3 * 19, a4_19 = a4 * 19;

        UInt128 t0 = Math.BigMul(a0, a0) + Math.BigMul(d1, a4_19) + Math.BigMul(d2, a3_19);
        UInt128 t1 = Math.BigMul(d0, a1) + Math.BigMul(d2, a4_19) + Math.BigMul(a3, a3_19);
        UInt128 t2 = Math.BigMul(d0, a2) + Math.BigMul(a1, a1) + Math.BigMul(a3 * 2, a4_19);
        UInt128 t3 = Math.BigMul(d0, a3) + Math.BigMul(d1, a2) + Math.BigMul(a4, a4_19);
        UInt128 t4 = Math.BigMul(d0, a4) + Math.BigMul(d1, a3) + Math.BigMul(a2, a2);
        Reduce(out r, t0, t1, t2, t3, t4);
    }

    /// <summary>r = a^(2^n): n successive squarings.</summary>
    internal static void SquareTimes(out FieldElement r, in FieldElement a, int n)
    {
        Square(out r, a);
        for (int i = 1; i < n; i++) Square(out r, r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Reduce(out FieldElement r, UInt128 t0, UInt128 t1, UInt128 t2, UInt128 t3, UInt128 t4)
    {
        t1 += (ulong)(t0 >> 51); ulong r0 = (ulong)t0 & Mask51;
        t2 += (ulong)(t1 >> 51); ulong r1 = (ulong)t1 & Mask51;
        t3 += (ulong)(t2 >> 51); ulong r2 = (ulong)t2 & Mask51;
        t4 += (ulong)(t3 >> 51); ulong r3 = (ulong)t3 & Mask51;
        ulong c = (ulong)(t4 >> 51); ulong r4 = (ulong)t4 & Mask51;
        r0 += c * 19;
        r1 += r0 >> 51; r0 &= Mask51;
        r.L0 = r0; r.L1 = r1; r.L2 = r2; r.L3 = r3; r.L4 = r4;
    }

    /// <summary>r = a * n for a small constant n &lt; 2^13 (e.g. 121665).</summary>
    internal static void MulSmall(out FieldElement r, in FieldElement a, uint n)
    {
        UInt128 t0 = Math.BigMul(a.L0, n), t1 = Math.BigMul(a.L1, n), t2 = Math.BigMul(a.L2, n),
                t3 = Math.BigMul(a.L3, n), t4 = Math.BigMul(a.L4, n);
        Reduce(out r, t0, t1, t2, t3, t4);
    }

    /// <summary>Swaps a and b when swap == 1, leaves them when swap == 0, without branching.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ConditionalSwap(ref FieldElement a, ref FieldElement b, ulong swap)
    {
        ulong mask = 0UL - swap;
        ulong x;
        x = (a.L0 ^ b.L0) & mask; a.L0 ^= x; b.L0 ^= x;
        x = (a.L1 ^ b.L1) & mask; a.L1 ^= x; b.L1 ^= x;
        x = (a.L2 ^ b.L2) & mask; a.L2 ^= x; b.L2 ^= x;
        x = (a.L3 ^ b.L3) & mask; a.L3 ^= x; b.L3 ^= x;
        x = (a.L4 ^ b.L4) & mask; a.L4 ^= x; b.L4 ^= x;
    }

    /// <summary>r = b when move == 1, unchanged when move == 0, without branching.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ConditionalMove(ref FieldElement r, in FieldElement b, ulong move)
    {
        ulong mask = 0UL - move;
        r.L0 ^= (r.L0 ^ b.L0) & mask;
        r.L1 ^= (r.L1 ^ b.L1) & mask;
        r.L2 ^= (r.L2 ^ b.L2) & mask;
        r.L3 ^= (r.L3 ^ b.L3) & mask;
        r.L4 ^= (r.L4 ^ b.L4) & mask;
    }

    /// <summary>r = 1/a = a^(p-2) (0 maps to 0). Constant time: a fixed addition chain.</summary>
    internal static void Invert(out FieldElement r, in FieldElement a)
    {
        Pow2To250Minus1(out FieldElement t250, out FieldElement a11, a);
        SquareTimes(out FieldElement t, t250, 5);   // 2^255 - 2^5
        Mul(out r, t, a11);                         // 2^255 - 21 = p - 2
    }

    /// <summary>r = a^((p-5)/8) = a^(2^252 - 3), used for square roots (RFC 8032 decoding).</summary>
    internal static void Pow22523(out FieldElement r, in FieldElement a)
    {
        Pow2To250Minus1(out FieldElement t250, out _, a);
        SquareTimes(out FieldElement t, t250, 2);   // 2^252 - 4
        Mul(out r, t, a);                           // 2^252 - 3
    }

    // The shared prefix of both exponentiation chains: returns a^(2^250 - 1) and a^11.
    private static void Pow2To250Minus1(out FieldElement t250, out FieldElement a11, in FieldElement a)
    {
        Square(out FieldElement a2, a);                         // 2
        SquareTimes(out FieldElement t, a2, 2);                 // 8
        Mul(out FieldElement a9, t, a);                         // 9
        Mul(out a11, a9, a2);                                   // 11
        Square(out t, a11);                                     // 22
        Mul(out FieldElement t5, t, a9);                        // 2^5 - 1
        SquareTimes(out t, t5, 5);
        Mul(out FieldElement t10, t, t5);                       // 2^10 - 1
        SquareTimes(out t, t10, 10);
        Mul(out FieldElement t20, t, t10);                      // 2^20 - 1
        SquareTimes(out t, t20, 20);
        Mul(out FieldElement t40, t, t20);                      // 2^40 - 1
        SquareTimes(out t, t40, 10);
        Mul(out FieldElement t50, t, t10);                      // 2^50 - 1
        SquareTimes(out t, t50, 50);
        Mul(out FieldElement t100, t, t50);                     // 2^100 - 1
        SquareTimes(out t, t100, 100);
        Mul(out FieldElement t200, t, t100);                    // 2^200 - 1
        SquareTimes(out t, t200, 50);
        Mul(out t250, t, t50);                                  // 2^250 - 1
    }

    /// <summary>1 when the canonical encoding is odd (the RFC 8032 "negative" sign bit), else 0.</summary>
    internal static ulong IsNegative(in FieldElement a)
    {
        Span<byte> s = stackalloc byte[32];
        ToBytes(s, a);
        return (ulong)(s[0] & 1);
    }

    /// <summary>1 when a == 0 (mod p), else 0, without branching on the value.</summary>
    internal static ulong IsZero(in FieldElement a)
    {
        Span<byte> s = stackalloc byte[32];
        ToBytes(s, a);
        ulong acc = 0;
        for (int i = 0; i < 32; i++) acc |= s[i];
        return ((acc | (0UL - acc)) >> 63) ^ 1;
    }

    /// <summary>1 when a == b (mod p), else 0, without branching on the values.</summary>
    internal static ulong Equal(in FieldElement a, in FieldElement b)
    {
        Sub(out FieldElement d, a, b);
        return IsZero(d);
    }
}
