using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Omemo.Crypto.Curve25519;

/// <summary>
/// Constant-time fixed-base scalar multiplication [a]B. The scalar is written in 64 signed radix-16
/// digits e_i in [-8, 8]; [a]B = 16 * (sum over odd i of e_i 16^(i-1) B) + (sum over even i of e_i 16^i B),
/// and e_i 16^(2j) B (j = floor(i/2)) is read from row j of a table holding 1..8 times 256^j B in affine
/// Niels form. Every lookup reads all entries of its row and combines them with masks, and negates with a
/// mask, so neither the memory access pattern nor the branches depend on the scalar.
/// The 32 x 9 table (36 KB) is computed once from the base point when the type is first used.
/// </summary>
internal static class EdwardsBasepointTable
{
    private const int Rows = 32;
    private const int Columns = 8;

    // Entry layout: 16 ulongs = y+x (5 limbs), y-x (5 limbs), 2dxy (5 limbs), padding; each row holds the
    // identity (1, 1, 0) followed by 1..8 times 256^row * B, so that a lookup is an OR of masked entries.
    private const int EntryWords = 16;
    private const int RowEntries = Columns + 1;

    private static readonly ulong[] Table = Build();

    private static ulong[] Build()
    {
        var points = new EdwardsPoint[Rows * Columns];
        EdwardsPoint rowBase = EdwardsPoint.BasePoint;
        for (int j = 0; j < Rows; j++)
        {
            EdwardsPoint.ToProjectiveNiels(out ProjectiveNielsPoint step, rowBase);
            points[j * Columns] = rowBase;
            for (int k = 1; k < Columns; k++)
            {
                EdwardsPoint.Add(out CompletedPoint c, points[j * Columns + k - 1], step);
                EdwardsPoint.FromCompleted(out points[j * Columns + k], c);
            }
            // 256 * rowBase = 2 * (8 * rowBase) doubled four more times.
            EdwardsPoint.Double(out CompletedPoint d, points[j * Columns + Columns - 1]);
            for (int t = 0; t < 4; t++)
            {
                ProjectivePoint.FromCompleted(out ProjectivePoint q, d);
                EdwardsPoint.Double(out d, q);
            }
            EdwardsPoint.FromCompleted(out rowBase, d);
        }
        AffineNielsPoint[] affine = AffineNielsPoint.FromPoints(points);

        var table = new ulong[Rows * RowEntries * EntryWords];
        for (int j = 0; j < Rows; j++)
        {
            Store(table.AsSpan((j * RowEntries) * EntryWords, EntryWords), AffineNielsPoint.Identity);
            for (int k = 0; k < Columns; k++)
                Store(table.AsSpan((j * RowEntries + k + 1) * EntryWords, EntryWords), affine[j * Columns + k]);
        }
        return table;
    }

    private static void Store(Span<ulong> w, in AffineNielsPoint p)
    {
        ReadOnlySpan<FieldElement> parts = [p.YPlusX, p.YMinusX, p.XY2D];
        for (int f = 0; f < 3; f++)
        {
            w[5 * f] = parts[f].L0; w[5 * f + 1] = parts[f].L1; w[5 * f + 2] = parts[f].L2;
            w[5 * f + 3] = parts[f].L3; w[5 * f + 4] = parts[f].L4;
        }
    }

    /// <summary>
    /// r = [a]B for a 32-byte little-endian scalar with a[31] &lt;= 127 (clamped scalars and scalars
    /// reduced mod L qualify). Constant time in a.
    /// </summary>
    internal static void Multiply(out EdwardsPoint r, ReadOnlySpan<byte> a)
    {
        Span<sbyte> e = stackalloc sbyte[64];
        for (int i = 0; i < 32; i++)
        {
            e[2 * i] = (sbyte)(a[i] & 15);
            e[2 * i + 1] = (sbyte)(a[i] >> 4);
        }
        // Recentre the digits into [-8, 8): carry = 1 exactly when a digit (plus the incoming carry) is >= 8.
        int carry = 0;
        for (int i = 0; i < 63; i++)
        {
            int v = e[i] + carry;
            carry = (v + 8) >> 4;
            e[i] = (sbyte)(v - (carry << 4));
        }
        e[63] = (sbyte)(e[63] + carry); // at most 7 + 1 since a < 2^255

        r = EdwardsPoint.Identity;
        AffineNielsPoint t;
        CompletedPoint c;
        for (int i = 1; i < 64; i += 2)
        {
            Select(out t, i >> 1, e[i]);
            EdwardsPoint.Add(out c, r, t);
            EdwardsPoint.FromCompleted(out r, c);
        }

        EdwardsPoint.Double(out c, r);
        ProjectivePoint q;
        for (int k = 0; k < 3; k++)
        {
            ProjectivePoint.FromCompleted(out q, c);
            EdwardsPoint.Double(out c, q);
        }
        EdwardsPoint.FromCompleted(out r, c);

        for (int i = 0; i < 64; i += 2)
        {
            Select(out t, i >> 1, e[i]);
            EdwardsPoint.Add(out c, r, t);
            EdwardsPoint.FromCompleted(out r, c);
        }
        e.Clear();
    }

    // t = b * Table[row][*] (b in [-8, 8]): every entry of the row is read and masked (all ones for the
    // entry |b|, zero otherwise) and the masked entries are ORed together, with vector instructions where the
    // hardware has them; then a masked negation for b < 0.
    private static void Select(out AffineNielsPoint t, int row, int b)
    {
        int negativeMask = b >> 31;                          // -1 when b < 0, else 0
        int abs = (b ^ negativeMask) - negativeMask;
        ref ulong entry = ref MemoryMarshal.GetArrayDataReference(Table);
        entry = ref Unsafe.Add(ref entry, row * RowEntries * EntryWords);
        Span<ulong> w = stackalloc ulong[EntryWords];
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<ulong> w0 = default, w1 = default, w2 = default, w3 = default;
            for (int k = 0; k < RowEntries; k++)
            {
                var m = Vector256.Create(Match(abs, k));
                w0 |= Vector256.LoadUnsafe(ref entry, 0) & m;
                w1 |= Vector256.LoadUnsafe(ref entry, 4) & m;
                w2 |= Vector256.LoadUnsafe(ref entry, 8) & m;
                w3 |= Vector256.LoadUnsafe(ref entry, 12) & m;
                entry = ref Unsafe.Add(ref entry, EntryWords);
            }
            w0.CopyTo(w); w1.CopyTo(w[4..]); w2.CopyTo(w[8..]); w3.CopyTo(w[12..]);
        }
        else
        {
            Vector128<ulong> acc0 = default, acc1 = default, acc2 = default, acc3 = default,
                acc4 = default, acc5 = default, acc6 = default, acc7 = default;
            for (int k = 0; k < RowEntries; k++)
            {
                var m = Vector128.Create(Match(abs, k));
                acc0 |= Vector128.LoadUnsafe(ref entry, 0) & m;
                acc1 |= Vector128.LoadUnsafe(ref entry, 2) & m;
                acc2 |= Vector128.LoadUnsafe(ref entry, 4) & m;
                acc3 |= Vector128.LoadUnsafe(ref entry, 6) & m;
                acc4 |= Vector128.LoadUnsafe(ref entry, 8) & m;
                acc5 |= Vector128.LoadUnsafe(ref entry, 10) & m;
                acc6 |= Vector128.LoadUnsafe(ref entry, 12) & m;
                acc7 |= Vector128.LoadUnsafe(ref entry, 14) & m;
                entry = ref Unsafe.Add(ref entry, EntryWords);
            }
            acc0.CopyTo(w); acc1.CopyTo(w[2..]); acc2.CopyTo(w[4..]); acc3.CopyTo(w[6..]);
            acc4.CopyTo(w[8..]); acc5.CopyTo(w[10..]); acc6.CopyTo(w[12..]); acc7.CopyTo(w[14..]);
        }
        FieldElement ypx = new(w[0], w[1], w[2], w[3], w[4]);
        FieldElement ymx = new(w[5], w[6], w[7], w[8], w[9]);
        t.XY2D = new FieldElement(w[10], w[11], w[12], w[13], w[14]);
        w.Clear();

        // -(y+x, y-x, 2dxy) = (y-x, y+x, -2dxy)
        ulong negative = (ulong)(negativeMask & 1);
        t.YPlusX = ypx;
        t.YMinusX = ymx;
        FieldElement.ConditionalSwap(ref t.YPlusX, ref t.YMinusX, negative);
        FieldElement.Negate(out FieldElement minusXY2D, t.XY2D);
        FieldElement.ConditionalMove(ref t.XY2D, minusXY2D, negative);
    }

    // All ones when abs == k, else zero: (x - 1) >> 63 is 1 only for x == 0 (x = abs ^ k is below 16).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Match(int abs, int k) => 0UL - (((ulong)(uint)(abs ^ k) - 1) >> 63);
}
