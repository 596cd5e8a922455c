using System.Buffers.Binary;

namespace Omemo.Crypto.Curve25519;

/// <summary>
/// Arithmetic modulo the prime group order L = 2^252 + 27742317777372353535851937790883648493 on
/// 32-byte little-endian scalars. Values are worked on as signed limbs of 21 bits (radix 2^21), so
/// products and sums fit in 64-bit integers; the top limbs are folded down with 2^252 = -delta (mod L),
/// delta = L - 2^252. Every routine runs the same instruction sequence whatever the values: loops have
/// fixed trip counts, carries are arithmetic shifts and the final correction is a mask.
/// </summary>
internal static class Scalar
{
    internal const int Size = 32;

    private const int LimbBits = 21;
    private const long LimbMask = (1L << LimbBits) - 1;
    private const long Half = 1L << (LimbBits - 1);

    // delta = L - 2^252 = 27742317777372353535851937790883648493 as six signed radix-2^21 digits
    // (checked against BigInteger by the tests).
    // (A static array rather than a ReadOnlySpan<long> property: Debug builds allocate such a property's array per access.)
    private static readonly long[] Delta = [-666643, -470296, -654183, 997805, -136657, 683901];

    /// <summary>L, little endian.</summary>
    internal static ReadOnlySpan<byte> Order =>
    [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    ];

    /// <summary>r = x mod L for a 64-byte little-endian x (e.g. a SHA-512 output).</summary>
    internal static void Reduce(Span<byte> r, ReadOnlySpan<byte> wide)
    {
        Span<long> x = stackalloc long[24];
        Load(x, wide[..64], 24);
        ReduceLimbs(x, r);
        x.Clear();
    }

    /// <summary>r = (a * b + c) mod L; a, b and c are any 256-bit little-endian values. r may alias the inputs.</summary>
    internal static void MulAdd(Span<byte> r, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        Span<long> al = stackalloc long[12];
        Span<long> bl = stackalloc long[12];
        Span<long> x = stackalloc long[24];
        Load(al, a[..Size], 12);
        Load(bl, b[..Size], 12);
        Load(x, c[..Size], 12);
        x[12..].Clear();
        // Schoolbook product: limbs are below 2^21 except limb 11 (below 2^25), so each of the 23 column
        // sums stays below 12 * 2^46 + 2^50 < 2^52.
        for (int i = 0; i < 12; i++)
        {
            long ai = al[i];
            for (int j = 0; j < 12; j++) x[i + j] += ai * bl[j];
        }
        ReduceLimbs(x, r);
        al.Clear();
        bl.Clear();
        x.Clear();
    }

    /// <summary>r = (-a) mod L for any 256-bit little-endian a. r may alias a.</summary>
    internal static void Negate(Span<byte> r, ReadOnlySpan<byte> a)
    {
        Span<long> x = stackalloc long[24];
        Load(x, a[..Size], 12);
        x[12..].Clear();
        for (int i = 0; i < 12; i++) x[i] = -x[i];
        ReduceLimbs(x, r);
        x.Clear();
    }

    /// <summary>True when s (32 bytes, little endian) is below L, i.e. a canonical scalar encoding.</summary>
    internal static bool IsCanonical(ReadOnlySpan<byte> s)
    {
        // Borrow out of s - L, word by word; no early exit.
        ReadOnlySpan<byte> l = Order;
        ulong borrow = 0;
        for (int i = 0; i < Size; i += 8)
        {
            ulong x = BinaryPrimitives.ReadUInt64LittleEndian(s[i..]);
            ulong y = BinaryPrimitives.ReadUInt64LittleEndian(l[i..]);
            ulong d = x - y - borrow;
            borrow = ((~x & y) | (~(x ^ y) & d)) >> 63;
        }
        return borrow == 1;
    }

    // Splits the first count * 21 bits of src into limbs, the last limb taking every remaining bit
    // (limb 11 of a 32-byte value has 25 bits, limb 23 of a 64-byte value has 29).
    private static void Load(Span<long> limbs, ReadOnlySpan<byte> src, int count)
    {
        int totalBits = src.Length * 8;
        for (int i = 0; i < count; i++)
        {
            int bit = i * LimbBits;
            int width = i == count - 1 ? totalBits - bit : LimbBits;
            int start = bit >> 3;
            ulong w = 0;
            for (int k = 0; k < 4 && start + k < src.Length; k++) w |= (ulong)src[start + k] << (8 * k);
            limbs[i] = (long)((w >> (bit & 7)) & ((1UL << width) - 1));
        }
    }

    // Round-to-nearest carry from limb i to limb i + 1: afterwards limb i is in [-2^20, 2^20).
    private static void CarrySigned(Span<long> x, int from, int toExclusive)
    {
        for (int i = from; i < toExclusive; i++)
        {
            long c = (x[i] + Half) >> LimbBits;
            x[i + 1] += c;
            x[i] -= c << LimbBits;
        }
    }

    // Floor carry: afterwards limb i is in [0, 2^21) and the sign of the value moves to the last limb.
    private static void CarryFloor(Span<long> x, int from, int toExclusive)
    {
        for (int i = from; i < toExclusive; i++)
        {
            long c = x[i] >> LimbBits;
            x[i + 1] += c;
            x[i] -= c << LimbBits;
        }
    }

    // Replaces limbs top..bottom (each limb i >= 12 weighs 2^(21 i) = 2^(21 (i - 12)) * 2^252) by their
    // equivalent -limb * delta * 2^(21 (i - 12)) in the limbs below.
    private static void Fold(Span<long> x, int top, int bottom)
    {
        ReadOnlySpan<long> delta = Delta;
        for (int i = top; i >= bottom; i--)
        {
            long v = x[i];
            x[i] = 0;
            for (int j = 0; j < delta.Length; j++) x[i - 12 + j] -= v * delta[j];
        }
    }

    /// <summary>
    /// Reduces a 24-limb value modulo L and writes the canonical 32-byte encoding.
    /// Precondition: |x[i]| &lt; 2^53 for i &lt; 23 and |x[23]| &lt; 2^29 (so that after the first carry pass
    /// the limbs are below 2^20 in magnitude and limb 23 below 2^31).
    /// </summary>
    private static void ReduceLimbs(Span<long> x, Span<byte> r)
    {
        CarrySigned(x, 0, 23);          // |x[0..22]| <= 2^20, |x[23]| < 2^31
        Fold(x, 23, 18);                // products < 2^51, columns 6..16 < 2^54
        CarrySigned(x, 6, 17);          // |x[6..16]| <= 2^20, |x[17]| < 2^34
        Fold(x, 17, 12);                // columns 0..10 < 2^55
        CarrySigned(x, 0, 12);          // |x[0..11]| <= 2^20, |x[12]| < 2^15
        Fold(x, 12, 12);                // columns 0..5 grow by < 2^35
        CarryFloor(x, 0, 11);           // x[0..10] in [0, 2^21), |x[11]| <= 2^20 + 1
        // Now the value v = x[11] * 2^231 + (non-negative part < 2^231) lies in (-L, L): add L when v < 0.
        long negative = x[11] >> 63;    // all ones when v < 0
        Span<long> l = stackalloc long[12];
        Load(l, Order, 12);
        for (int i = 0; i < 12; i++) x[i] += l[i] & negative;
        CarryFloor(x, 0, 11);           // v in [0, L): x[0..10] in [0, 2^21), x[11] in [0, 2^22)

        ulong acc = 0;
        int accBits = 0, o = 0;
        for (int i = 0; i < 12; i++)
        {
            acc |= (ulong)x[i] << accBits;
            accBits += LimbBits;
            while (accBits >= 8)
            {
                r[o++] = (byte)acc;
                acc >>= 8;
                accBits -= 8;
            }
        }
        // 12 * 21 = 252 bits written as 31 bytes plus 4 pending bits (the 2^252 bit lives in x[11]'s top).
        r[o] = (byte)acc;
    }
}
