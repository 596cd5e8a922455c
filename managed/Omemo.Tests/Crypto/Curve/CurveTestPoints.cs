using Omemo.Crypto.Curve25519;

namespace Omemo.Tests.Crypto.Curve;

/// <summary>Point helpers for the curve tests: small-order and torsioned points built with the internal arithmetic.</summary>
internal static class CurveTestPoints
{
    internal static EdwardsPoint Decode(ReadOnlySpan<byte> e)
    {
        Assert.True(EdwardsPoint.TryDecode(out var p, e, requireCanonical: false));
        return p;
    }

    internal static byte[] Encode(in EdwardsPoint p)
    {
        var e = new byte[32];
        EdwardsPoint.Encode(e, p);
        return e;
    }

    internal static EdwardsPoint Add(in EdwardsPoint a, in EdwardsPoint b)
    {
        EdwardsPoint.ToProjectiveNiels(out var nb, b);
        EdwardsPoint.Add(out var c, a, nb);
        EdwardsPoint.FromCompleted(out var r, c);
        return r;
    }

    internal static EdwardsPoint Double(in EdwardsPoint a)
    {
        EdwardsPoint.Double(out var c, a);
        EdwardsPoint.FromCompleted(out var r, c);
        return r;
    }

    /// <summary>A point of order 8 (y of the third blacklist entry, sign 0).</summary>
    internal static EdwardsPoint Order8 => Decode(EdwardsPoint.SmallOrderYAt(2));

    internal static EdwardsPoint Order4 => Double(Order8);

    internal static EdwardsPoint Order2 => Double(Order4);

    /// <summary>[scalar]B for a scalar below 2^255.</summary>
    internal static EdwardsPoint MulBase(byte[] scalar)
    {
        var k = (byte[])scalar.Clone();
        k[31] &= 0x7f;
        EdwardsBasepointTable.Multiply(out var p, k);
        return p;
    }
}
