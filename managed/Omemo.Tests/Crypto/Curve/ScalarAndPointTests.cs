using System.Numerics;
using CsCheck;
using Omemo.Crypto.Curve25519;

namespace Omemo.Tests.Crypto.Curve;

/// <summary>The internal scalar (mod L) and edwards25519 point arithmetic, against BigInteger and each other.</summary>
public class ScalarAndPointTests
{
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    private static BigInteger ToInt(ReadOnlySpan<byte> le) => new(le, isUnsigned: true, isBigEndian: false);

    private static byte[] ToBytes32(BigInteger v)
    {
        var r = new byte[32];
        Assert.True(v.TryWriteBytes(r, out _, isUnsigned: true, isBigEndian: false));
        return r;
    }

    private static string Hex(ReadOnlySpan<byte> b) => Convert.ToHexStringLower(b);

    // Values that stress carries and the final correction: 0, 1, L - 1, L, L + 1, 2^252, 2^253 - 1, 2^255 - 1, 2^256 - 1, p.
    private static IEnumerable<BigInteger> Edges32() =>
    [
        0, 1, L - 1, L, L + 1, BigInteger.Pow(2, 252), BigInteger.Pow(2, 253) - 1, BigInteger.Pow(2, 255) - 1,
        BigInteger.Pow(2, 256) - 1, P, 8 * L - 1, 15 * L,
    ];

    [Fact]
    public void OrderBytes_AreL()
        => Assert.Equal(L, ToInt(Scalar.Order));

    [Fact]
    public void Reduce_MatchesBigInteger()
    {
        var edges = new List<byte[]>
        {
            new byte[64], Enumerable.Repeat((byte)0xff, 64).ToArray(),
        };
        foreach (var m in new[] { L, L * L, L * L - 1, L * (BigInteger.Pow(2, 259)), BigInteger.Pow(2, 512) - L })
        {
            var b = new byte[64];
            Assert.True(m.TryWriteBytes(b, out _, isUnsigned: true, isBigEndian: false));
            edges.Add(b);
        }
        var r = new byte[32];
        foreach (var e in edges)
        {
            Scalar.Reduce(r, e);
            Assert.Equal(Hex(ToBytes32(ToInt(e) % L)), Hex(r));
        }
        Gen.Byte.Array[64].Sample(x =>
        {
            var o = new byte[32];
            Scalar.Reduce(o, x);
            return ToInt(o) == ToInt(x) % L;
        }, iter: 3000);
    }

    [Fact]
    public void MulAdd_MatchesBigInteger()
    {
        var o = new byte[32];
        foreach (var a in Edges32())
            foreach (var b in Edges32())
                foreach (var c in new BigInteger[] { 0, L - 1, BigInteger.Pow(2, 256) - 1 })
                {
                    Scalar.MulAdd(o, ToBytes32(a), ToBytes32(b), ToBytes32(c));
                    Assert.Equal((a * b + c) % L, ToInt(o));
                }
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[32], Gen.Byte.Array[32]).Sample((a, b, c) =>
        {
            var r = new byte[32];
            Scalar.MulAdd(r, a, b, c);
            return ToInt(r) == (ToInt(a) * ToInt(b) + ToInt(c)) % L;
        }, iter: 3000);
    }

    [Fact]
    public void Negate_MatchesBigInteger()
    {
        var o = new byte[32];
        foreach (var a in Edges32())
        {
            Scalar.Negate(o, ToBytes32(a));
            Assert.Equal(((-a % L) + L) % L, ToInt(o));
        }
        Gen.Byte.Array[32].Sample(a =>
        {
            var r = new byte[32];
            Scalar.Negate(r, a);
            var n = ToInt(r);
            return n < L && (n + ToInt(a)) % L == 0;
        }, iter: 2000);
        // In place (r aliasing a).
        var x = ToBytes32(5);
        Scalar.Negate(x, x);
        Assert.Equal(L - 5, ToInt(x));
    }

    [Fact]
    public void IsCanonical_IsBelowL()
    {
        Assert.True(Scalar.IsCanonical(ToBytes32(0)));
        Assert.True(Scalar.IsCanonical(ToBytes32(L - 1)));
        Assert.False(Scalar.IsCanonical(ToBytes32(L)));
        Assert.False(Scalar.IsCanonical(ToBytes32(L + BigInteger.Pow(2, 128))));
        Assert.False(Scalar.IsCanonical(ToBytes32(BigInteger.Pow(2, 256) - 1)));
        Gen.Byte.Array[32].Sample(a => Scalar.IsCanonical(a) == (ToInt(a) < L), iter: 2000);
    }

    [Fact]
    public void CurveConstants()
    {
        var buf = new byte[32];
        // d * 121666 == -121665
        FieldElement.MulSmall(out var t, EdwardsPoint.D, 121666);
        FieldElement.ToBytes(buf, t);
        Assert.Equal(P - 121665, ToInt(buf));
        FieldElement.Square(out var s, EdwardsPoint.SqrtM1);
        FieldElement.ToBytes(buf, s);
        Assert.Equal(P - 1, ToInt(buf));
        EdwardsPoint.Encode(buf, EdwardsPoint.BasePoint);
        Assert.Equal("5866666666666666666666666666666666666666666666666666666666666666", Hex(buf));
        // [L]B is the identity.
        EdwardsVartime.Multiply(out var lb, Scalar.Order, EdwardsPoint.BasePoint);
        Assert.Equal(1UL, EdwardsPoint.IsIdentity(lb));
    }

    private static byte[] FixedBase(byte[] k)
    {
        EdwardsBasepointTable.Multiply(out var p, k);
        var e = new byte[32];
        EdwardsPoint.Encode(e, p);
        return e;
    }

    private static byte[] Vartime(byte[] k)
    {
        EdwardsVartime.Multiply(out var p, k, EdwardsPoint.BasePoint);
        var e = new byte[32];
        EdwardsPoint.Encode(e, p);
        return e;
    }

    [Fact]
    public void FixedBase_MatchesVartime()
    {
        // Scalars whose radix-16 digits hit the table edges: all nibbles 8 (carries everywhere), all 7, all 15.
        var specials = new List<byte[]>
        {
            ToBytes32(0), ToBytes32(1), ToBytes32(L - 1), ToBytes32(BigInteger.Pow(2, 255) - 1),
            Enumerable.Repeat((byte)0x88, 31).Append((byte)0x08).ToArray(),
            Enumerable.Repeat((byte)0x77, 32).ToArray(),
            Enumerable.Repeat((byte)0xff, 31).Append((byte)0x7f).ToArray(),
        };
        foreach (var k in specials) Assert.Equal(Hex(Vartime(k)), Hex(FixedBase(k)));
        Assert.Equal("0100000000000000000000000000000000000000000000000000000000000000", Hex(FixedBase(ToBytes32(0))));

        Gen.Byte.Array[32].Sample(k =>
        {
            k[31] &= 0x7f;
            return Hex(FixedBase(k)) == Hex(Vartime(k));
        }, iter: 300);
    }

    [Fact]
    public void DoubleScalarMultiply_IsLinear()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[32], Gen.Byte.Array[32]).Sample((a, b, c) =>
        {
            a[31] &= 0x0f; b[31] &= 0x0f; c[31] &= 0x0f;
            // A = [c]B; then [a]A + [b]B == [a c + b]B
            EdwardsBasepointTable.Multiply(out var pa, c);
            EdwardsVartime.DoubleScalarMultiply(out var r, a, pa, b);
            var enc = new byte[32];
            ProjectivePoint.Encode(enc, r);
            var k = new byte[32];
            Scalar.MulAdd(k, a, c, b);
            return Hex(enc) == Hex(FixedBase(k));
        }, iter: 300);
    }

    [Fact]
    public void NonAdjacentForm_Reconstructs()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Int[2, 8]).Sample((s, w) =>
        {
            s[31] &= 0x7f;
            var naf = new sbyte[256];
            EdwardsVartime.NonAdjacentForm(naf, s, w);
            BigInteger v = 0;
            for (int i = 255; i >= 0; i--)
            {
                v = v * 2 + naf[i];
                if (naf[i] != 0 && ((naf[i] & 1) == 0 || Math.Abs((int)naf[i]) >= 1 << (w - 1))) return false;
            }
            return v == ToInt(s);
        }, iter: 1000);
    }

    [Fact]
    public void SmallOrderList_IsTheEightPoints()
    {
        // Every listed y below p decodes (with both signs where x != 0) to a point with [8]P = identity, and there
        // are exactly eight such points.
        int points = 0;
        for (int i = 0; i < EdwardsPoint.SmallOrderYCount; i++)
        {
            var y = EdwardsPoint.SmallOrderYAt(i).ToArray();
            Assert.True(EdwardsPoint.HasSmallOrderEncoding(y));
            if (!EdwardsPoint.IsCanonicalY(y)) continue;
            for (int sign = 0; sign < 2; sign++)
            {
                y[31] = (byte)((y[31] & 0x7f) | (sign << 7));
                Assert.True(EdwardsPoint.HasSmallOrderEncoding(y));
                if (!EdwardsPoint.TryDecode(out var p, y, requireCanonical: true)) continue;
                Assert.True(EdwardsPoint.IsSmallOrder(p));
                points++;
            }
        }
        Assert.Equal(8, points);
        Assert.False(EdwardsPoint.IsSmallOrder(EdwardsPoint.BasePoint));
        Assert.False(EdwardsPoint.HasSmallOrderEncoding(Convert.FromHexString("5866666666666666666666666666666666666666666666666666666666666666")));
    }

    [Fact]
    public void Decode_RejectsNonCanonicalAndBadSign()
    {
        // y = p + 2 .. 2^255 - 1 are non-canonical; the strict decoder refuses all, the lenient one reduces.
        for (int extra = 0; extra < 19; extra++)
        {
            var y = ToBytes32(P + extra);
            Assert.False(EdwardsPoint.IsCanonicalY(y));
            Assert.False(EdwardsPoint.TryDecode(out _, y, requireCanonical: true));
            var reduced = ToBytes32(extra);
            bool lenient = EdwardsPoint.TryDecode(out var a, y, requireCanonical: false);
            Assert.Equal(EdwardsPoint.TryDecode(out var b, reduced, requireCanonical: true), lenient);
            if (lenient)
            {
                var ea = new byte[32]; var eb = new byte[32];
                EdwardsPoint.Encode(ea, a); EdwardsPoint.Encode(eb, b);
                Assert.Equal(Hex(eb), Hex(ea));
            }
        }
        // x = 0 with the sign bit set (y = 1 and y = -1) is refused.
        var one = ToBytes32(1); one[31] |= 0x80;
        Assert.False(EdwardsPoint.TryDecode(out _, one, requireCanonical: true));
        var minusOne = ToBytes32(P - 1); minusOne[31] |= 0x80;
        Assert.False(EdwardsPoint.TryDecode(out _, minusOne, requireCanonical: true));
        // y = 2 is not on the curve ((y^2 - 1) / (d y^2 + 1) is not a square).
        Assert.False(EdwardsPoint.TryDecode(out _, ToBytes32(2), requireCanonical: true));
    }

    [Fact]
    public void DecodeEncode_RoundTrips()
    {
        Gen.Byte.Array[32].Sample(k =>
        {
            k[31] &= 0x7f;
            var e = FixedBase(k);
            if (!EdwardsPoint.TryDecode(out var p, e, requireCanonical: true)) return false;
            var again = new byte[32];
            EdwardsPoint.Encode(again, p);
            return Hex(again) == Hex(e);
        }, iter: 300);
    }
}
