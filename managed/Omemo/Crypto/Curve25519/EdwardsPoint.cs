using System.Runtime.CompilerServices;

namespace Omemo.Crypto.Curve25519;

/// <summary>
/// A point of edwards25519, -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19), in extended coordinates
/// (X:Y:Z:T) with x = X/Z, y = Y/Z, xy = T/Z (Hisil-Wong-Carter-Dawson). The other forms used by the
/// formulas are <see cref="CompletedPoint"/>, <see cref="ProjectivePoint"/>, <see cref="ProjectiveNielsPoint"/>
/// and <see cref="AffineNielsPoint"/>. The arithmetic here never branches on coordinates; only
/// <see cref="TryDecode"/> (public input) may exit early.
/// </summary>
internal struct EdwardsPoint
{
    internal FieldElement X, Y, Z, T;

    /// <summary>d = -121665 / 121666.</summary>
    internal static readonly FieldElement D = ComputeD();

    /// <summary>2d.</summary>
    internal static readonly FieldElement D2 = ComputeD2();

    /// <summary>sqrt(-1) = 2^((p - 1) / 4).</summary>
    internal static readonly FieldElement SqrtM1 = ComputeSqrtM1();

    /// <summary>The standard base point B = (x, 4/5) with x even.</summary>
    internal static readonly EdwardsPoint BasePoint = ComputeBasePoint();

    internal static EdwardsPoint Identity => new() { X = FieldElement.Zero, Y = FieldElement.One, Z = FieldElement.One, T = FieldElement.Zero };

    private static FieldElement ComputeD()
    {
        FieldElement.Invert(out FieldElement inv, new FieldElement(121666, 0, 0, 0, 0));
        FieldElement.MulSmall(out FieldElement t, inv, 121665);
        FieldElement.Negate(out FieldElement d, t);
        return d;
    }

    private static FieldElement ComputeD2()
    {
        FieldElement d = ComputeD();
        FieldElement.Add(out FieldElement d2, d, d);
        return d2;
    }

    private static FieldElement ComputeSqrtM1()
    {
        // 2^((p-5)/8) squared, times 2, is 2^((p-1)/4); 2 is a non-residue, so this squares to -1.
        FieldElement two = new(2, 0, 0, 0, 0);
        FieldElement.Pow22523(out FieldElement t, two);
        FieldElement.Square(out FieldElement t2, t);
        FieldElement.Mul(out FieldElement r, t2, two);
        return r;
    }

    private static EdwardsPoint ComputeBasePoint()
    {
        FieldElement.Invert(out FieldElement inv5, new FieldElement(5, 0, 0, 0, 0));
        FieldElement.MulSmall(out FieldElement y, inv5, 4);
        Span<byte> enc = stackalloc byte[32];
        FieldElement.ToBytes(enc, y); // sign bit 0: x even
        if (!TryDecode(out EdwardsPoint b, enc, requireCanonical: true))
            throw new InvalidOperationException("edwards25519 base point failed to decode.");
        return b;
    }

    // ---- conversions -------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FromCompleted(out EdwardsPoint r, in CompletedPoint p)
    {
        FieldElement.Mul(out r.X, p.X, p.T);
        FieldElement.Mul(out r.Y, p.Y, p.Z);
        FieldElement.Mul(out r.Z, p.Z, p.T);
        FieldElement.Mul(out r.T, p.X, p.Y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ToProjective(out ProjectivePoint r, in EdwardsPoint p)
    {
        r.X = p.X;
        r.Y = p.Y;
        r.Z = p.Z;
    }

    internal static void ToProjectiveNiels(out ProjectiveNielsPoint r, in EdwardsPoint p)
    {
        FieldElement.Add(out r.YPlusX, p.Y, p.X);
        FieldElement.Sub(out r.YMinusX, p.Y, p.X);
        r.Z = p.Z;
        FieldElement.Mul(out r.T2D, p.T, D2);
    }

    internal static void Negate(out EdwardsPoint r, in EdwardsPoint p)
    {
        FieldElement.Negate(out r.X, p.X);
        r.Y = p.Y;
        r.Z = p.Z;
        FieldElement.Negate(out r.T, p.T);
    }

    // ---- group law ---------------------------------------------------------------------------------
    // Addition, "add-2008-hwcd-3" for a = -1: with A = (Y1-X1)(Y2-X2), B = (Y1+X1)(Y2+X2), C = 2d T1 T2,
    // D = 2 Z1 Z2 the sum is the completed point (E : H : G : F) with E = B-A, F = D-C, G = D+C, H = B+A.

    internal static void Add(out CompletedPoint r, in EdwardsPoint p, in ProjectiveNielsPoint q)
    {
        FieldElement.Mul(out FieldElement zz, p.Z, q.Z);
        FieldElement.Add(out FieldElement d, zz, zz);
        AddNiels(out r, p, q.YPlusX, q.YMinusX, q.T2D, d, negate: false);
    }

    /// <summary>p - q: the same formula with q negated (Y+X and Y-X swap roles, C changes sign).</summary>
    internal static void Sub(out CompletedPoint r, in EdwardsPoint p, in ProjectiveNielsPoint q)
    {
        FieldElement.Mul(out FieldElement zz, p.Z, q.Z);
        FieldElement.Add(out FieldElement d, zz, zz);
        AddNiels(out r, p, q.YMinusX, q.YPlusX, q.T2D, d, negate: true);
    }

    /// <summary>Mixed addition with an affine point (Z2 = 1, so D = 2 Z1).</summary>
    internal static void Add(out CompletedPoint r, in EdwardsPoint p, in AffineNielsPoint q)
    {
        FieldElement.Add(out FieldElement d, p.Z, p.Z);
        AddNiels(out r, p, q.YPlusX, q.YMinusX, q.XY2D, d, negate: false);
    }

    internal static void Sub(out CompletedPoint r, in EdwardsPoint p, in AffineNielsPoint q)
    {
        FieldElement.Add(out FieldElement d, p.Z, p.Z);
        AddNiels(out r, p, q.YMinusX, q.YPlusX, q.XY2D, d, negate: true);
    }

    // The rest of the formula for an addend (yPlusX, yMinusX, t2d), q's own for p + q and q's with Y+X and Y-X
    // swapped for p - q: A = (Y1-X1) yMinusX, B = (Y1+X1) yPlusX, C = T1 t2d, negated when negate is set (a
    // constant at every call site, so the branch folds away), then (E : H : G : F).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddNiels(out CompletedPoint r, in EdwardsPoint p, in FieldElement yPlusX, in FieldElement yMinusX,
        in FieldElement t2d, in FieldElement d, bool negate)
    {
        FieldElement.Add(out FieldElement ypx, p.Y, p.X);
        FieldElement.Sub(out FieldElement ymx, p.Y, p.X);
        FieldElement.Mul(out FieldElement b, ypx, yPlusX);
        FieldElement.Mul(out FieldElement a, ymx, yMinusX);
        FieldElement.Mul(out FieldElement c, p.T, t2d);
        FieldElement.Sub(out r.X, b, a);
        FieldElement.Add(out r.Y, b, a);
        if (negate)
        {
            FieldElement.Sub(out r.Z, d, c);
            FieldElement.Add(out r.T, d, c);
        }
        else
        {
            FieldElement.Add(out r.Z, d, c);
            FieldElement.Sub(out r.T, d, c);
        }
    }

    // Doubling, "dbl-2008-hwcd" for a = -1 (needs no T): with XX = X^2, YY = Y^2, the double is the
    // completed point (2XY : YY + XX : YY - XX : 2Z^2 - (YY - XX)), both halves scaled by -1.
    internal static void Double(out CompletedPoint r, in ProjectivePoint p)
    {
        FieldElement.Square(out FieldElement xx, p.X);
        FieldElement.Square(out FieldElement yy, p.Y);
        FieldElement.Square(out FieldElement zz, p.Z);
        FieldElement.Add(out FieldElement zz2, zz, zz);
        FieldElement.Add(out FieldElement xpy, p.X, p.Y);
        FieldElement.Square(out FieldElement xpy2, xpy);
        FieldElement.Add(out r.Y, yy, xx);
        FieldElement.Sub(out r.Z, yy, xx);
        FieldElement.Sub(out r.X, xpy2, r.Y);
        FieldElement.Sub(out r.T, zz2, r.Z);
    }

    internal static void Double(out CompletedPoint r, in EdwardsPoint p)
    {
        ToProjective(out ProjectivePoint q, p);
        Double(out r, q);
    }

    /// <summary>[8]p by three doublings.</summary>
    internal static void MultiplyByCofactor(out EdwardsPoint r, in EdwardsPoint p)
    {
        ToProjective(out ProjectivePoint q, p);
        Double(out CompletedPoint c, q);
        ProjectivePoint.FromCompleted(out q, c);
        Double(out c, q);
        ProjectivePoint.FromCompleted(out q, c);
        Double(out c, q);
        FromCompleted(out r, c);
    }

    /// <summary>1 when p is the neutral element (X = 0 and Y = Z), else 0.</summary>
    internal static ulong IsIdentity(in EdwardsPoint p)
        => FieldElement.IsZero(p.X) & FieldElement.Equal(p.Y, p.Z);

    /// <summary>True when [8]p is the identity, i.e. p is one of the eight points of small order.</summary>
    internal static bool IsSmallOrder(in EdwardsPoint p)
    {
        MultiplyByCofactor(out EdwardsPoint q, p);
        return IsIdentity(q) == 1;
    }

    // ---- encoding ----------------------------------------------------------------------------------

    /// <summary>RFC 8032 5.1.2: y, with the low bit of x in bit 255.</summary>
    internal static void Encode(Span<byte> s, in EdwardsPoint p) => EncodeXYZ(s, p.X, p.Y, p.Z);

    internal static void EncodeXYZ(Span<byte> s, in FieldElement x, in FieldElement y, in FieldElement z)
    {
        FieldElement.Invert(out FieldElement zInv, z);
        EncodeWithInverse(s, x, y, zInv);
    }

    /// <summary>Encodes p and q with one inversion (1/Z_p = Z_q / (Z_p Z_q) and vice versa).</summary>
    internal static void EncodeBoth(Span<byte> sp, in EdwardsPoint p, Span<byte> sq, in EdwardsPoint q)
    {
        FieldElement.Mul(out FieldElement zz, p.Z, q.Z);
        FieldElement.Invert(out FieldElement inv, zz);
        FieldElement.Mul(out FieldElement zpInv, inv, q.Z);
        FieldElement.Mul(out FieldElement zqInv, inv, p.Z);
        EncodeWithInverse(sp, p.X, p.Y, zpInv);
        EncodeWithInverse(sq, q.X, q.Y, zqInv);
    }

    private static void EncodeWithInverse(Span<byte> s, in FieldElement x, in FieldElement y, in FieldElement zInv)
    {
        FieldElement.Mul(out FieldElement ax, x, zInv);
        FieldElement.Mul(out FieldElement ay, y, zInv);
        FieldElement.ToBytes(s, ay);
        s[31] |= (byte)(FieldElement.IsNegative(ax) << 7);
    }

    /// <summary>
    /// RFC 8032 5.1.3 decoding. Rejects encodings whose y does not give a square x^2, and x = 0 with the
    /// sign bit set. With <paramref name="requireCanonical"/> y &gt;= p is rejected as well; without it such a y is
    /// reduced mod p (libsodium's <c>ge25519_frombytes_negate_vartime</c> behaviour, which its Ed25519 to
    /// Curve25519 map relies on). Variable time: for public inputs only.
    /// </summary>
    internal static bool TryDecode(out EdwardsPoint p, ReadOnlySpan<byte> s, bool requireCanonical)
    {
        p = Identity;
        if (requireCanonical && !IsCanonicalY(s)) return false;

        FieldElement.FromBytes(out FieldElement y, s);
        FieldElement.Square(out FieldElement yy, y);
        FieldElement.Sub(out FieldElement u, yy, FieldElement.One);       // u = y^2 - 1
        FieldElement.Mul(out FieldElement dyy, yy, D);
        FieldElement.Add(out FieldElement v, dyy, FieldElement.One);      // v = d y^2 + 1

        // x = u v^3 (u v^7)^((p-5)/8)
        FieldElement.Square(out FieldElement v2, v);
        FieldElement.Mul(out FieldElement v3, v2, v);
        FieldElement.Square(out FieldElement v6, v3);
        FieldElement.Mul(out FieldElement v7, v6, v);
        FieldElement.Mul(out FieldElement uv7, u, v7);
        FieldElement.Pow22523(out FieldElement pw, uv7);
        FieldElement.Mul(out FieldElement uv3, u, v3);
        FieldElement.Mul(out FieldElement x, uv3, pw);

        FieldElement.Square(out FieldElement xx, x);
        FieldElement.Mul(out FieldElement vxx, xx, v);
        if (FieldElement.Equal(vxx, u) == 0)
        {
            FieldElement.Negate(out FieldElement negU, u);
            if (FieldElement.Equal(vxx, negU) == 0) return false; // u / v is not a square
            FieldElement.Mul(out x, x, SqrtM1);
        }

        ulong sign = (ulong)(s[31] >> 7);
        if (FieldElement.IsZero(x) == 1 && sign == 1) return false;
        if (FieldElement.IsNegative(x) != sign) FieldElement.Negate(out x, x);

        p.X = x;
        p.Y = y;
        p.Z = FieldElement.One;
        FieldElement.Mul(out p.T, x, y);
        return true;
    }

    /// <summary>True when the y part of an encoding (bit 255 ignored) is below p.</summary>
    internal static bool IsCanonicalY(ReadOnlySpan<byte> s)
    {
        // y >= p exactly when bytes 1..30 are 0xff, byte 31 (sign masked) is 0x7f and byte 0 >= 0xed.
        int ones = (s[31] & 0x7f) ^ 0x7f;
        for (int i = 1; i < 31; i++) ones |= s[i] ^ 0xff;
        return ones != 0 || s[0] < 0xed;
    }

    // y-coordinates of the eight points of small order, and the non-canonical encodings y + p that fit in
    // 255 bits. Each is rejected with either sign bit, exactly libsodium's ge25519_has_small_order list.
    private static ReadOnlySpan<byte> SmallOrderY =>
    [
        // 0 (order 4)
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        // 1 (order 1)
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        // y of the order-8 points with y < p/2
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
        0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
        // its negation (the other order-8 y)
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
        0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
        // p - 1 (order 2)
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
        // p (non-canonical 0)
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
        // p + 1 (non-canonical 1)
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
    ];

    internal const int SmallOrderYCount = 7;

    /// <summary>The i-th blacklisted y (sign bit clear), for tests.</summary>
    internal static ReadOnlySpan<byte> SmallOrderYAt(int i) => SmallOrderY.Slice(32 * i, 32);

    /// <summary>
    /// True when the encoding's y (sign bit ignored) is that of a small-order point, canonical or not.
    /// Scans the whole list without early exit.
    /// </summary>
    internal static bool HasSmallOrderEncoding(ReadOnlySpan<byte> s)
    {
        ReadOnlySpan<byte> list = SmallOrderY;
        int found = 0;
        for (int k = 0; k < SmallOrderYCount; k++)
        {
            ReadOnlySpan<byte> y = list.Slice(32 * k, 32);
            int diff = (s[31] & 0x7f) ^ y[31];
            for (int i = 0; i < 31; i++) diff |= s[i] ^ y[i];
            found |= ((diff - 1) >> 8) & 1; // 1 when diff == 0
        }
        return found != 0;
    }
}

/// <summary>A point in "completed" form ((X:Z), (Y:T)): x = X/Z, y = Y/T, the output of the addition formulas.</summary>
internal struct CompletedPoint
{
    internal FieldElement X, Y, Z, T;
}

/// <summary>A point in projective form (X:Y:Z), enough for doubling.</summary>
internal struct ProjectivePoint
{
    internal FieldElement X, Y, Z;

    internal static ProjectivePoint Identity => new() { X = FieldElement.Zero, Y = FieldElement.One, Z = FieldElement.One };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FromCompleted(out ProjectivePoint r, in CompletedPoint p)
    {
        FieldElement.Mul(out r.X, p.X, p.T);
        FieldElement.Mul(out r.Y, p.Y, p.Z);
        FieldElement.Mul(out r.Z, p.Z, p.T);
    }

    internal static void Encode(Span<byte> s, in ProjectivePoint p) => EdwardsPoint.EncodeXYZ(s, p.X, p.Y, p.Z);
}

/// <summary>A cached addend (Y+X, Y-X, Z, 2dT).</summary>
internal struct ProjectiveNielsPoint
{
    internal FieldElement YPlusX, YMinusX, Z, T2D;
}

/// <summary>A cached affine addend (y+x, y-x, 2dxy); the identity is (1, 1, 0).</summary>
internal struct AffineNielsPoint
{
    internal FieldElement YPlusX, YMinusX, XY2D;

    internal static AffineNielsPoint Identity => new() { YPlusX = FieldElement.One, YMinusX = FieldElement.One, XY2D = FieldElement.Zero };

    /// <summary>
    /// Affine Niels forms of the given points, with one shared inversion (Montgomery's trick).
    /// For table construction only (allocates a scratch array).
    /// </summary>
    internal static AffineNielsPoint[] FromPoints(ReadOnlySpan<EdwardsPoint> points)
    {
        int n = points.Length;
        var prefix = new FieldElement[n];
        FieldElement acc = FieldElement.One;
        for (int i = 0; i < n; i++)
        {
            prefix[i] = acc;                         // product of Z_0 .. Z_{i-1}
            FieldElement.Mul(out acc, acc, points[i].Z);
        }
        FieldElement.Invert(out FieldElement inv, acc);    // 1 / (Z_0 ... Z_{n-1})
        var result = new AffineNielsPoint[n];
        for (int i = n - 1; i >= 0; i--)
        {
            FieldElement.Mul(out FieldElement zInv, inv, prefix[i]);
            FieldElement.Mul(out inv, inv, points[i].Z);
            FieldElement.Mul(out FieldElement x, points[i].X, zInv);
            FieldElement.Mul(out FieldElement y, points[i].Y, zInv);
            FieldElement.Add(out result[i].YPlusX, y, x);
            FieldElement.Sub(out result[i].YMinusX, y, x);
            FieldElement.Mul(out FieldElement xy, x, y);
            FieldElement.Mul(out result[i].XY2D, xy, EdwardsPoint.D2);
        }
        return result;
    }
}
