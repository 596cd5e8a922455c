using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Omemo.Crypto.Curve25519;

/// <summary>
/// An element of GF(2^255 - 19) in radix 2^51: five 64-bit limbs, value = sum(l_i * 2^(51 i)).
/// Invariant ("loosely reduced"): every operation accepts limbs below 2^52 and returns limbs below
/// 2^51 + 2^15, so products (with the 2x and 19x folding) stay below 2^110 and subtraction via 2p never
/// goes negative. Nothing here branches on or indexes by limb values; conditional operations use masks.
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

    // One carry step applied to all limbs at once (no serial dependency): for inputs below 2^60 the
    // result has L1..L4 below 2^51 + 2^9 and L0 below 2^51 + 19 * 2^9 < 2^51 + 2^15.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CarryParallel(out FieldElement r, ulong t0, ulong t1, ulong t2, ulong t3, ulong t4)
    {
        r.L0 = (t0 & Mask51) + 19 * (t4 >> 51);
        r.L1 = (t1 & Mask51) + (t0 >> 51);
        r.L2 = (t2 & Mask51) + (t1 >> 51);
        r.L3 = (t3 & Mask51) + (t2 >> 51);
        r.L4 = (t4 & Mask51) + (t3 >> 51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Add(out FieldElement r, in FieldElement a, in FieldElement b)
        => CarryParallel(out r, a.L0 + b.L0, a.L1 + b.L1, a.L2 + b.L2, a.L3 + b.L3, a.L4 + b.L4);

    // 2p in radix 2^51, so that a - b + 2p stays non-negative: b's limbs (below 2^51 + 2^15 as every operation
    // here returns them) never exceed these.
    private const ulong TwoP0 = 0xFFFFFFFFFFFDA; // 2 * (2^51 - 19)
    private const ulong TwoP1234 = 0xFFFFFFFFFFFFE; // 2 * (2^51 - 1)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Sub(out FieldElement r, in FieldElement a, in FieldElement b)
        => CarryParallel(out r, a.L0 + TwoP0 - b.L0, a.L1 + TwoP1234 - b.L1, a.L2 + TwoP1234 - b.L2,
            a.L3 + TwoP1234 - b.L3, a.L4 + TwoP1234 - b.L4);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Negate(out FieldElement r, in FieldElement a) => Sub(out r, Zero, a);

    // Multiplication. Limb products are up to 2^110 (limbs below 2^52, times 2 or 19 for the folded terms),
    // so they are split rather than summed in 128 bits: one factor is pre-shifted by 12 bits (it stays
    // below 2^64), which makes the high 64 bits of the 128-bit product equal to p >> 52 and the low 64 bits
    // equal to (p mod 2^52) << 12. Column i then holds l_i = sum (p mod 2^52) (below 2^55) at weight 2^(51 i)
    // and h_i = sum (p >> 52) (below 2^58.5) at weight 2^52 * 2^(51 i) = 2 * 2^(51 (i + 1)); h_4 wraps to
    // column 0 as 2 * 19 = 38. Everything fits in 64-bit registers with no carry tracking, and one parallel
    // carry step ends below 2^51 + 2^15. The high half comes from MULX / UMULH (Math.BigMul's out parameter
    // makes the JIT spill every product), the low half from a plain 64-bit multiply.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulHigh(ulong a, ulong b)
    {
        if (Bmi2.X64.IsSupported) return Bmi2.X64.MultiplyNoFlags(a, b);
        if (ArmBase.Arm64.IsSupported) return ArmBase.Arm64.MultiplyHigh(a, b);
        return Math.BigMul(a, b, out _);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Combine(out FieldElement r, ulong h0, ulong l0, ulong h1, ulong l1, ulong h2, ulong l2,
        ulong h3, ulong l3, ulong h4, ulong l4)
        => CarryParallel(out r, l0 + 38 * h4, l1 + 2 * h0, l2 + 2 * h1, l3 + 2 * h2, l4 + 2 * h3); // each < 2^60

    internal static void Mul(out FieldElement r, in FieldElement a, in FieldElement b)
    {
        ulong a0 = a.L0 << 12, a1 = a.L1 << 12, a2 = a.L2 << 12, a3 = a.L3 << 12, a4 = a.L4 << 12;
        ulong b0 = b.L0, b1 = b.L1, b2 = b.L2, b3 = b.L3, b4 = b.L4;
        ulong b1_19 = b1 * 19, b2_19 = b2 * 19, b3_19 = b3 * 19, b4_19 = b4 * 19;

        ulong h0 = MulHigh(a0, b0), l0 = (a0 * b0) >> 12;
        h0 += MulHigh(a1, b4_19); l0 += (a1 * b4_19) >> 12;
        h0 += MulHigh(a2, b3_19); l0 += (a2 * b3_19) >> 12;
        h0 += MulHigh(a3, b2_19); l0 += (a3 * b2_19) >> 12;
        h0 += MulHigh(a4, b1_19); l0 += (a4 * b1_19) >> 12;
        ulong h1 = MulHigh(a0, b1), l1 = (a0 * b1) >> 12;
        h1 += MulHigh(a1, b0); l1 += (a1 * b0) >> 12;
        h1 += MulHigh(a2, b4_19); l1 += (a2 * b4_19) >> 12;
        h1 += MulHigh(a3, b3_19); l1 += (a3 * b3_19) >> 12;
        h1 += MulHigh(a4, b2_19); l1 += (a4 * b2_19) >> 12;
        ulong h2 = MulHigh(a0, b2), l2 = (a0 * b2) >> 12;
        h2 += MulHigh(a1, b1); l2 += (a1 * b1) >> 12;
        h2 += MulHigh(a2, b0); l2 += (a2 * b0) >> 12;
        h2 += MulHigh(a3, b4_19); l2 += (a3 * b4_19) >> 12;
        h2 += MulHigh(a4, b3_19); l2 += (a4 * b3_19) >> 12;
        ulong h3 = MulHigh(a0, b3), l3 = (a0 * b3) >> 12;
        h3 += MulHigh(a1, b2); l3 += (a1 * b2) >> 12;
        h3 += MulHigh(a2, b1); l3 += (a2 * b1) >> 12;
        h3 += MulHigh(a3, b0); l3 += (a3 * b0) >> 12;
        h3 += MulHigh(a4, b4_19); l3 += (a4 * b4_19) >> 12;
        ulong h4 = MulHigh(a0, b4), l4 = (a0 * b4) >> 12;
        h4 += MulHigh(a1, b3); l4 += (a1 * b3) >> 12;
        h4 += MulHigh(a2, b2); l4 += (a2 * b2) >> 12;
        h4 += MulHigh(a3, b1); l4 += (a3 * b1) >> 12;
        h4 += MulHigh(a4, b0); l4 += (a4 * b0) >> 12;
        Combine(out r, h0, l0, h1, l1, h2, l2, h3, l3, h4, l4);
    }

    internal static void Square(out FieldElement r, in FieldElement a)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4;
        ulong s0 = a0 << 12, s1 = a1 << 12, s2 = a2 << 12, s3 = a3 << 12, s4 = a4 << 12;
        ulong d1 = a1 * 2, d2 = a2 * 2, d3 = a3 * 2, d4 = a4 * 2;
        ulong a3_19 = a3 * 19, a4_19 = a4 * 19, a3_38 = a3 * 38, a4_38 = a4 * 38;

        ulong h0 = MulHigh(s0, a0), l0 = (s0 * a0) >> 12;
        h0 += MulHigh(s1, a4_38); l0 += (s1 * a4_38) >> 12;
        h0 += MulHigh(s2, a3_38); l0 += (s2 * a3_38) >> 12;
        ulong h1 = MulHigh(s0, d1), l1 = (s0 * d1) >> 12;
        h1 += MulHigh(s2, a4_38); l1 += (s2 * a4_38) >> 12;
        h1 += MulHigh(s3, a3_19); l1 += (s3 * a3_19) >> 12;
        ulong h2 = MulHigh(s0, d2), l2 = (s0 * d2) >> 12;
        h2 += MulHigh(s1, a1); l2 += (s1 * a1) >> 12;
        h2 += MulHigh(s3, a4_38); l2 += (s3 * a4_38) >> 12;
        ulong h3 = MulHigh(s0, d3), l3 = (s0 * d3) >> 12;
        h3 += MulHigh(s1, d2); l3 += (s1 * d2) >> 12;
        h3 += MulHigh(s4, a4_19); l3 += (s4 * a4_19) >> 12;
        ulong h4 = MulHigh(s0, d4), l4 = (s0 * d4) >> 12;
        h4 += MulHigh(s1, d3); l4 += (s1 * d3) >> 12;
        h4 += MulHigh(s2, a2); l4 += (s2 * a2) >> 12;
        Combine(out r, h0, l0, h1, l1, h2, l2, h3, l3, h4, l4);
    }

    /// <summary>r = a^(2^n): n successive squarings.</summary>
    internal static void SquareTimes(out FieldElement r, in FieldElement a, int n)
    {
        Square(out r, a);
        for (int i = 1; i < n; i++) Square(out r, r);
    }

    /// <summary>r = a * n for a small constant n &lt; 2^17 (e.g. 121665).</summary>
    internal static void MulSmall(out FieldElement r, in FieldElement a, uint n)
    {
        // Same split as Mul: p >> 52 is below 2^17 here.
        ulong a0 = a.L0 << 12, a1 = a.L1 << 12, a2 = a.L2 << 12, a3 = a.L3 << 12, a4 = a.L4 << 12;
        CarryParallel(out r,
            ((a0 * n) >> 12) + 38 * MulHigh(a4, n),
            ((a1 * n) >> 12) + 2 * MulHigh(a0, n),
            ((a2 * n) >> 12) + 2 * MulHigh(a1, n),
            ((a3 * n) >> 12) + 2 * MulHigh(a2, n),
            ((a4 * n) >> 12) + 2 * MulHigh(a3, n));
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
