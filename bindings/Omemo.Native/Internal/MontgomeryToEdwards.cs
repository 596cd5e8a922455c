using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Omemo.Native.Internal;

/// <summary>
/// The birational map from a Curve25519 u-coordinate to an Ed25519 public key encoding,
/// y = (u - 1) / (u + 1) mod p with the sign bit 0, which is XEdDSA's <c>convert_mont</c>. libsodium offers
/// the opposite direction only, so the libsodium backend computes this one here.
/// <para>
/// The input is a public key, so plain variable-time arithmetic is fine. Field elements are four 64-bit
/// limbs kept fully reduced (below p = 2^255 - 19) after every operation; products use
/// <see cref="Math.BigMul(ulong, ulong, out ulong)"/> and fold the upper half with 2^256 = 38 (mod p).
/// Nothing is allocated on the heap.
/// </para>
/// </summary>
internal static class MontgomeryToEdwards
{
    // A field element (or, transiently, any 256-bit value) as four little-endian 64-bit limbs.
    private readonly struct Fe(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        public readonly ulong L0 = l0, L1 = l1, L2 = l2, L3 = l3;
    }

    private static readonly Fe P = new(0xFFFF_FFFF_FFFF_FFEDUL, ulong.MaxValue, ulong.MaxValue, 0x7FFF_FFFF_FFFF_FFFFUL);
    private static readonly Fe One = new(1, 0, 0, 0);

    /// <summary>
    /// True when the 32 little-endian bytes, read as a 256-bit integer, are below p = 2^255 - 19. XEdDSA's
    /// verify rejects any other u ("if u ≥ p ... return false"); that includes every encoding with bit 255 set.
    /// </summary>
    internal static bool IsCanonical(ReadOnlySpan<byte> u)
    {
        Fe x = Load(u);
        return LessThanP(x);
    }

    /// <summary>
    /// Writes the Ed25519 encoding of the point with y = (u - 1)/(u + 1) and sign bit 0. Returns false, writing
    /// nothing, when u is not canonical (see <see cref="IsCanonical"/>). u = p - 1 (u + 1 = 0) maps to y = 0, as
    /// the ref10 code in libxeddsa does (inverse of 0 taken as 0); that point has small order and every
    /// verifier rejects it.
    /// </summary>
    internal static bool TryConvert(ReadOnlySpan<byte> curve25519PublicKey, Span<byte> ed25519PublicKey)
    {
        Fe u = Load(curve25519PublicKey);
        if (!LessThanP(u)) return false;

        Fe num = Sub(u, One);
        Fe den = Add(u, One);
        Fe inv = Invert(den);
        Fe y = Mul(num, inv);
        Store(y, ed25519PublicKey); // y < p < 2^255, so bit 255 (the sign of x) is already 0
        return true;
    }

    private static Fe Load(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]));

    private static void Store(in Fe a, Span<byte> bytes)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, a.L0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], a.L1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[16..], a.L2);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[24..], a.L3);
    }

    private static bool LessThanP(in Fe a)
    {
        if (a.L3 != P.L3) return a.L3 < P.L3;
        if (a.L2 != P.L2) return a.L2 < P.L2;
        if (a.L1 != P.L1) return a.L1 < P.L1;
        return a.L0 < P.L0;
    }

    // x + y + carry; the new carry (0 or 1) replaces carry.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddCarry(ulong x, ulong y, ref ulong carry)
    {
        ulong s = x + y;
        ulong c = s < x ? 1UL : 0UL;
        ulong r = s + carry;
        carry = c | (r < s ? 1UL : 0UL);
        return r;
    }

    // x - y - borrow; the new borrow (0 or 1) replaces borrow.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubBorrow(ulong x, ulong y, ref ulong borrow)
    {
        ulong d = x - y;
        ulong b = x < y ? 1UL : 0UL;
        ulong r = d - borrow;
        borrow = b | (d < borrow ? 1UL : 0UL);
        return r;
    }

    // a * b + t + carry, which fits in 128 bits; the high half becomes the new carry.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulAdd(ulong a, ulong b, ulong t, ref ulong carry)
    {
        ulong hi = Math.BigMul(a, b, out ulong lo);
        lo += t;
        hi += lo < t ? 1UL : 0UL;
        lo += carry;
        hi += lo < carry ? 1UL : 0UL;
        carry = hi;
        return lo;
    }

    // a - p over 256 bits, for a >= p.
    private static Fe MinusP(in Fe a)
    {
        ulong b = 0;
        ulong r0 = SubBorrow(a.L0, P.L0, ref b);
        ulong r1 = SubBorrow(a.L1, P.L1, ref b);
        ulong r2 = SubBorrow(a.L2, P.L2, ref b);
        ulong r3 = SubBorrow(a.L3, P.L3, ref b);
        return new Fe(r0, r1, r2, r3);
    }

    // Any value below 2^256 = 2p + 38 is brought below p by at most two subtractions.
    private static Fe Canonical(Fe a)
    {
        while (!LessThanP(a)) a = MinusP(a);
        return a;
    }

    private static Fe Add(in Fe a, in Fe b)
    {
        ulong c = 0; // a, b < p, so a + b < 2p < 2^256: no carry out
        ulong r0 = AddCarry(a.L0, b.L0, ref c);
        ulong r1 = AddCarry(a.L1, b.L1, ref c);
        ulong r2 = AddCarry(a.L2, b.L2, ref c);
        ulong r3 = AddCarry(a.L3, b.L3, ref c);
        return Canonical(new Fe(r0, r1, r2, r3));
    }

    private static Fe Sub(in Fe a, in Fe b)
    {
        ulong borrow = 0;
        ulong r0 = SubBorrow(a.L0, b.L0, ref borrow);
        ulong r1 = SubBorrow(a.L1, b.L1, ref borrow);
        ulong r2 = SubBorrow(a.L2, b.L2, ref borrow);
        ulong r3 = SubBorrow(a.L3, b.L3, ref borrow);
        if (borrow != 0)
        {
            // Wrapped below zero: add p back (the carry out cancels the wrap).
            ulong c = 0;
            r0 = AddCarry(r0, P.L0, ref c);
            r1 = AddCarry(r1, P.L1, ref c);
            r2 = AddCarry(r2, P.L2, ref c);
            r3 = AddCarry(r3, P.L3, ref c);
        }
        return new Fe(r0, r1, r2, r3);
    }

    private static Fe Mul(in Fe a, in Fe b)
    {
        // 512-bit schoolbook product t7..t0, one row per limb of a.
        ulong c = 0;
        ulong t0 = MulAdd(a.L0, b.L0, 0, ref c);
        ulong t1 = MulAdd(a.L0, b.L1, 0, ref c);
        ulong t2 = MulAdd(a.L0, b.L2, 0, ref c);
        ulong t3 = MulAdd(a.L0, b.L3, 0, ref c);
        ulong t4 = c;

        c = 0;
        t1 = MulAdd(a.L1, b.L0, t1, ref c);
        t2 = MulAdd(a.L1, b.L1, t2, ref c);
        t3 = MulAdd(a.L1, b.L2, t3, ref c);
        t4 = MulAdd(a.L1, b.L3, t4, ref c);
        ulong t5 = c;

        c = 0;
        t2 = MulAdd(a.L2, b.L0, t2, ref c);
        t3 = MulAdd(a.L2, b.L1, t3, ref c);
        t4 = MulAdd(a.L2, b.L2, t4, ref c);
        t5 = MulAdd(a.L2, b.L3, t5, ref c);
        ulong t6 = c;

        c = 0;
        t3 = MulAdd(a.L3, b.L0, t3, ref c);
        t4 = MulAdd(a.L3, b.L1, t4, ref c);
        t5 = MulAdd(a.L3, b.L2, t5, ref c);
        t6 = MulAdd(a.L3, b.L3, t6, ref c);
        ulong t7 = c;

        // 2^256 = 38 (mod p): low + 38 * high, leaving a carry c <= 38 worth c * 2^256 = 38 c.
        c = 0;
        ulong r0 = MulAdd(t4, 38, t0, ref c);
        ulong r1 = MulAdd(t5, 38, t1, ref c);
        ulong r2 = MulAdd(t6, 38, t2, ref c);
        ulong r3 = MulAdd(t7, 38, t3, ref c);

        // Fold 38 c in; should that wrap past 2^256 again, the value left is tiny and one more 38 fits.
        while (c != 0)
        {
            ulong add = c * 38;
            c = 0;
            r0 = AddCarry(r0, add, ref c);
            r1 = AddCarry(r1, 0, ref c);
            r2 = AddCarry(r2, 0, ref c);
            r3 = AddCarry(r3, 0, ref c);
        }
        return Canonical(new Fe(r0, r1, r2, r3));
    }

    private static Fe Square(in Fe a) => Mul(a, a);

    private static Fe SquareTimes(Fe a, int n)
    {
        for (int i = 0; i < n; i++) a = Square(a);
        return a;
    }

    // a^(p-2) = a^(2^255 - 21) with the usual ref10 addition chain (254 squarings, 11 multiplications);
    // 0 maps to 0.
    private static Fe Invert(in Fe z)
    {
        Fe z2 = Square(z);                                       // 2
        Fe z9 = Mul(SquareTimes(z2, 2), z);                      // 9
        Fe z11 = Mul(z9, z2);                                    // 11
        Fe z2_5_0 = Mul(Square(z11), z9);                        // 2^5 - 1
        Fe z2_10_0 = Mul(SquareTimes(z2_5_0, 5), z2_5_0);        // 2^10 - 1
        Fe z2_20_0 = Mul(SquareTimes(z2_10_0, 10), z2_10_0);     // 2^20 - 1
        Fe z2_40_0 = Mul(SquareTimes(z2_20_0, 20), z2_20_0);     // 2^40 - 1
        Fe z2_50_0 = Mul(SquareTimes(z2_40_0, 10), z2_10_0);     // 2^50 - 1
        Fe z2_100_0 = Mul(SquareTimes(z2_50_0, 50), z2_50_0);    // 2^100 - 1
        Fe z2_200_0 = Mul(SquareTimes(z2_100_0, 100), z2_100_0); // 2^200 - 1
        Fe z2_250_0 = Mul(SquareTimes(z2_200_0, 50), z2_50_0);   // 2^250 - 1
        return Mul(SquareTimes(z2_250_0, 5), z11);               // 2^255 - 32 + 11 = 2^255 - 21
    }
}
