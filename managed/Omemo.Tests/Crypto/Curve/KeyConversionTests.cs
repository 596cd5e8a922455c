using System.Numerics;
using System.Security.Cryptography;
using CsCheck;
using Omemo.Crypto;
using Omemo.Crypto.Curve25519;
using Omemo.Errors;
using static Omemo.Tests.Crypto.Curve.CurveTestPoints;
using Ed25519 = Omemo.Crypto.Ed25519;
using X25519 = Omemo.Crypto.X25519;

namespace Omemo.Tests.Crypto.Curve;

public class KeyConversionTests
{
    private static string Hex(ReadOnlySpan<byte> b) => Convert.ToHexStringLower(b);
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    private static byte[]? EdToCurve(byte[] ed)
    {
        var u = new byte[32];
        return KeyConversion.TryEd25519PublicKeyToCurve25519(ed, u) ? u : null;
    }

    [Fact]
    public void Ed25519KeyPair_MapsToX25519KeyPair()
    {
        Gen.Byte.Array[32].Sample(seed =>
        {
            var edPub = new byte[32];
            Ed25519.DerivePublicKey(seed, edPub);
            var curvePriv = new byte[32];
            KeyConversion.Ed25519SeedToCurve25519(seed, curvePriv);
            var curvePub = new byte[32];
            X25519.DerivePublicKey(curvePriv, curvePub);
            var bc = new byte[32];
            Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMultBase(curvePriv, 0, bc, 0);
            var mapped = EdToCurve(edPub);
            return mapped != null && Hex(mapped) == Hex(curvePub) && Hex(bc) == Hex(curvePub);
        }, iter: 1000);
    }

    [Fact]
    public void SeedToCurve25519_IsClampedSha512Half()
    {
        Gen.Byte.Array[32].Sample(seed =>
        {
            var h = SHA512.HashData(seed);
            h[0] &= 248; h[31] &= 127; h[31] |= 64;
            var priv = new byte[32];
            KeyConversion.Ed25519SeedToCurve25519(seed, priv);
            var scalar = new byte[32];
            KeyConversion.Ed25519SeedToScalar(seed, scalar);
            return Hex(priv) == Hex(h.AsSpan(0, 32)) && Hex(scalar) == Hex(priv);
        }, iter: 200);
    }

    [Fact]
    public void CurveToEd_RoundTrips_ForX25519PublicKeys()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Int[0, 1]).Sample((priv, sign) =>
        {
            var u = new byte[32];
            X25519.DerivePublicKey(priv, u);
            var ed = new byte[32];
            KeyConversion.Curve25519PublicKeyToEd25519(u, (byte)sign, ed);
            var back = EdToCurve(ed);
            return ed[31] >> 7 == sign && back != null && Hex(back) == Hex(u);
        }, iter: 500);
    }

    [Fact]
    public void SmallOrderEncodings_AreRejectedByTheMap()
    {
        int count = 0;
        foreach (var e in Ed25519Tests.SmallOrderEncodings())
        {
            Assert.Null(EdToCurve(e));
            count++;
        }
        Assert.Equal(14, count);
    }

    /// <summary>
    /// Only prime-order-subgroup keys map: a torsion component of order 2, 4 or 8 is refused ([L]A must be the
    /// identity, as in libsodium since the fix that Debian ships in 1.0.18-1+deb12u1).
    /// </summary>
    [Fact]
    public void TorsionComponents_AreRefused()
    {
        Gen.Byte.Array[32].Sample(k =>
        {
            var q = MulBase(k);
            return EdToCurve(Encode(q)) != null
                && EdToCurve(Encode(Add(q, Order2))) == null
                && EdToCurve(Encode(Add(q, Order4))) == null
                && EdToCurve(Encode(Add(q, Order8))) == null;
        }, iter: 100);
    }

    [Fact]
    public void NonCanonicalY_IsReducedLikeLibsodium()
    {
        // y = p + k (k < 19) decodes like y = k; the map then accepts or refuses exactly as for the canonical form
        // (these particular points are never in the prime-order subgroup, so all are refused, but they must not crash).
        for (int k = 0; k < 19; k++)
            for (int sign = 0; sign < 2; sign++)
            {
                var y = new byte[32];
                (P + k).ToByteArray(isUnsigned: true).CopyTo(y, 0);
                y[31] |= (byte)(sign << 7);
                var canonical = new byte[32]; canonical[0] = (byte)k; canonical[31] = (byte)(sign << 7);
                var a = EdToCurve(y);
                var b = EdToCurve(canonical);
                Assert.Equal(b == null ? null : Hex(b), a == null ? null : Hex(a));
            }
    }

    [Fact]
    public void CurveToEd_RejectsBadKeys()
    {
        var ed = new byte[32];
        // u >= p (including a set top bit), u = -1 (no image), small-order u (0 and 1 map to small-order points).
        var bad = new List<byte[]>
        {
            P.ToByteArray(isUnsigned: true).Concat(new byte[1]).Take(32).ToArray(),
            Enumerable.Repeat((byte)0xff, 32).ToArray(),
            (P - 1).ToByteArray(isUnsigned: true).Concat(new byte[1]).Take(32).ToArray(),
            new byte[32],
            new byte[] { 1 }.Concat(new byte[31]).ToArray(),
        };
        var topBit = new byte[32]; X25519.DerivePublicKey(new byte[32], topBit); topBit[31] |= 0x80;
        bad.Add(topBit);
        // The u of the order-8 points: u = (1 + y) / (1 - y).
        foreach (var enc in new[] { EdwardsPoint.SmallOrderYAt(2).ToArray(), EdwardsPoint.SmallOrderYAt(3).ToArray() })
        {
            var y = new BigInteger(enc, isUnsigned: true);
            var u = (1 + y) * BigInteger.ModPow((1 - y + P) % P, P - 2, P) % P;
            var ub = new byte[32]; u.ToByteArray(isUnsigned: true).CopyTo(ub, 0);
            bad.Add(ub);
        }
        foreach (var u in bad)
            foreach (byte sign in new byte[] { 0, 1 })
                Assert.Throws<InvalidKeyException>(() => KeyConversion.Curve25519PublicKeyToEd25519(u, sign, ed));

        // u on the twist: u = 2 is not the u of a curve point (2^3 + A 2^2 + 2 is a non-square).
        var two = new byte[32]; two[0] = 2;
        Assert.Throws<InvalidKeyException>(() => KeyConversion.Curve25519PublicKeyToEd25519(two, 0, ed));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyConversion.Curve25519PublicKeyToEd25519(new byte[32], 2, ed));
        Assert.Throws<ArgumentException>(() => KeyConversion.Curve25519PublicKeyToEd25519(new byte[31], 0, ed));
        Assert.False(KeyConversion.TryEd25519PublicKeyToCurve25519(new byte[31], new byte[32]));
        Assert.Throws<ArgumentException>(() => KeyConversion.TryEd25519PublicKeyToCurve25519(new byte[32], new byte[31]));
    }

    [Fact]
    public void X25519PublicKeyOfU9Basepoint_IsTheEdwardsBasepoint()
    {
        var nine = new byte[32]; nine[0] = 9;
        var ed = new byte[32];
        KeyConversion.Curve25519PublicKeyToEd25519(nine, 0, ed);
        Assert.Equal("5866666666666666666666666666666666666666666666666666666666666666", Hex(ed));
    }
}
