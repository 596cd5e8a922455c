using System.Buffers.Binary;

namespace Omemo.Crypto.Curve25519;

/// <summary>
/// Variable-time multi-scalar multiplication for signature verification and key validation, where every
/// input is public: [a]A + [b]B with width-5 NAF for A (odd multiples A..15A computed per call) and
/// width-8 NAF for the base point (odd multiples B..127B, affine, computed once). Branches and table
/// indices depend on the scalars, so this must never see secret data.
/// </summary>
internal static class EdwardsVartime
{
    private const int WidthA = 5;
    private const int WidthB = 8;

    // Odd multiples (2i + 1) B for i = 0..63.
    private static readonly AffineNielsPoint[] OddMultiplesOfBase = BuildOddMultiplesOfBase();

    private static AffineNielsPoint[] BuildOddMultiplesOfBase()
    {
        const int count = 1 << (WidthB - 2);
        var points = new EdwardsPoint[count];
        points[0] = EdwardsPoint.BasePoint;
        EdwardsPoint.Double(out CompletedPoint c, EdwardsPoint.BasePoint);
        EdwardsPoint.FromCompleted(out EdwardsPoint b2, c);
        EdwardsPoint.ToProjectiveNiels(out ProjectiveNielsPoint twoB, b2);
        for (int i = 1; i < count; i++)
        {
            EdwardsPoint.Add(out c, points[i - 1], twoB);
            EdwardsPoint.FromCompleted(out points[i], c);
        }
        return AffineNielsPoint.FromPoints(points);
    }

    /// <summary>
    /// Width-w non-adjacent form of a 256-bit little-endian scalar below 2^255: naf[i] is zero or odd with
    /// |naf[i]| &lt; 2^(w-1), any w consecutive digits hold at most one non-zero, and sum naf[i] 2^i = s.
    /// </summary>
    internal static void NonAdjacentForm(Span<sbyte> naf, ReadOnlySpan<byte> s, int w)
    {
        naf[..256].Clear();
        Span<ulong> words = stackalloc ulong[5];
        for (int i = 0; i < 4; i++) words[i] = BinaryPrimitives.ReadUInt64LittleEndian(s[(8 * i)..]);
        words[4] = 0;

        int width = 1 << w;
        ulong windowMask = (ulong)width - 1;
        int pos = 0;
        ulong carry = 0;
        while (pos < 256)
        {
            int idx = pos >> 6, bit = pos & 63;
            ulong bits = bit <= 64 - w ? words[idx] >> bit : (words[idx] >> bit) | (words[idx + 1] << (64 - bit));
            ulong window = carry + (bits & windowMask);
            if ((window & 1) == 0)
            {
                // Even: no digit here. The carry is unchanged (window = carry + bit, an even sum
                // means carry and the bit are equal, so the pending carry still applies one place up).
                pos++;
                continue;
            }
            if (window < (ulong)width / 2)
            {
                carry = 0;
                naf[pos] = (sbyte)window;
            }
            else
            {
                carry = 1;
                naf[pos] = (sbyte)((long)window - width);
            }
            pos += w;
        }
    }

    /// <summary>r = [a]A + [b]B for public 32-byte scalars a, b below 2^255 and a public point A.</summary>
    internal static void DoubleScalarMultiply(out ProjectivePoint r, ReadOnlySpan<byte> a, in EdwardsPoint pointA, ReadOnlySpan<byte> b)
    {
        Span<sbyte> nafA = stackalloc sbyte[256];
        Span<sbyte> nafB = stackalloc sbyte[256];
        NonAdjacentForm(nafA, a, WidthA);
        NonAdjacentForm(nafB, b, WidthB);

        // A, 3A, ..., 15A
        Span<ProjectiveNielsPoint> oddA = stackalloc ProjectiveNielsPoint[1 << (WidthA - 2)];
        EdwardsPoint.ToProjectiveNiels(out oddA[0], pointA);
        EdwardsPoint.Double(out CompletedPoint c, pointA);
        EdwardsPoint.FromCompleted(out EdwardsPoint a2, c);
        EdwardsPoint.ToProjectiveNiels(out ProjectiveNielsPoint twoA, a2);
        EdwardsPoint current = pointA;
        for (int i = 1; i < oddA.Length; i++)
        {
            EdwardsPoint.Add(out c, current, twoA);
            EdwardsPoint.FromCompleted(out current, c);
            EdwardsPoint.ToProjectiveNiels(out oddA[i], current);
        }

        ReadOnlySpan<AffineNielsPoint> oddB = OddMultiplesOfBase;
        int top = 255;
        while (top >= 0 && nafA[top] == 0 && nafB[top] == 0) top--;

        r = ProjectivePoint.Identity;
        for (int i = top; i >= 0; i--)
        {
            EdwardsPoint.Double(out c, r);
            int da = nafA[i], db = nafB[i];
            if (da != 0)
            {
                EdwardsPoint.FromCompleted(out EdwardsPoint u, c);
                if (da > 0) EdwardsPoint.Add(out c, u, oddA[da >> 1]);
                else EdwardsPoint.Sub(out c, u, oddA[(-da) >> 1]);
            }
            if (db != 0)
            {
                EdwardsPoint.FromCompleted(out EdwardsPoint u, c);
                if (db > 0) EdwardsPoint.Add(out c, u, oddB[db >> 1]);
                else EdwardsPoint.Sub(out c, u, oddB[(-db) >> 1]);
            }
            ProjectivePoint.FromCompleted(out r, c);
        }
    }

    /// <summary>r = [a]A for a public scalar below 2^255 and a public point.</summary>
    internal static void Multiply(out EdwardsPoint r, ReadOnlySpan<byte> a, in EdwardsPoint pointA)
    {
        Span<byte> zero = stackalloc byte[32];
        zero.Clear();
        DoubleScalarMultiply(out ProjectivePoint p, a, pointA, zero);
        r.X = p.X;
        r.Y = p.Y;
        r.Z = p.Z;
        // T = XY/Z: compute the extended form with one inversion-free step ((XZ : YZ : Z^2 : XY)).
        FieldElement.Mul(out r.T, p.X, p.Y);
        FieldElement.Mul(out r.X, p.X, p.Z);
        FieldElement.Mul(out r.Y, p.Y, p.Z);
        FieldElement.Square(out r.Z, p.Z);
    }
}
