using System.Numerics;
using CsCheck;
using Omemo.Crypto;
using Omemo.Crypto.Curve25519;
using Ed25519 = Omemo.Crypto.Ed25519;
using X25519 = Omemo.Crypto.X25519;

namespace Omemo.Tests.Crypto.Curve;

public class XEdDsaTests
{
    private static string Hex(ReadOnlySpan<byte> b) => Convert.ToHexStringLower(b);
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    private static byte[] PublicOf(byte[] priv)
    {
        var u = new byte[32];
        X25519.DerivePublicKey(priv, u);
        return u;
    }

    private static byte[] Sign(byte[] priv, byte[] msg, byte[] random)
    {
        var sig = new byte[64];
        XEdDsa.Sign(priv, msg, random, sig);
        return sig;
    }

    /// <summary>The Edwards form E = [clamp(k)]B of a Curve25519 private key, with its real sign bit.</summary>
    private static byte[] EdwardsOf(byte[] priv)
    {
        var k = (byte[])priv.Clone();
        X25519.Clamp(k);
        EdwardsBasepointTable.Multiply(out var e, k);
        var enc = new byte[32];
        EdwardsPoint.Encode(enc, e);
        return enc;
    }

    /// <summary>A libsignal-style signature: no negation, A = E with its sign bit, the bit carried in byte 63.</summary>
    private static byte[] LibsignalSign(byte[] priv, byte[] msg, byte[] random)
    {
        var k = (byte[])priv.Clone();
        X25519.Clamp(k);
        var a = new byte[32];
        Scalar.MulAdd(a, k, [1, .. new byte[31]], new byte[32]);   // k mod L
        var e = EdwardsOf(priv);
        var wide = new byte[64];
        var prefix = Enumerable.Repeat((byte)0xff, 32).ToArray(); prefix[0] = 0xfe;
        Sha512Hasher.Hash(wide, prefix, k, msg, random);
        var r = new byte[32]; Scalar.Reduce(r, wide);
        var sig = new byte[64];
        Ed25519.SignWithNonce(a, e, r, msg, sig);
        sig[63] |= (byte)(e[31] & 0x80);
        return sig;
    }

    [Fact]
    public void SignVerify_RoundTrip()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[0, 200], Gen.Byte.Array[64]).Sample((priv, msg, z) =>
        {
            var sig = Sign(priv, msg, z);
            var u = PublicOf(priv);
            var sig2 = new byte[64];
            XEdDsa.Sign(priv, msg, sig2); // RNG overload
            return (sig[63] & 0x80) == 0 && XEdDsa.Verify(u, msg, sig) && XEdDsa.VerifyLibsignal(u, msg, sig)
                && XEdDsa.Verify(u, msg, sig2) && Hex(sig) != Hex(sig2);
        }, iter: 500);
    }

    [Fact]
    public void Signature_IsAnEd25519SignatureOfTheMappedKey()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[0, 100], Gen.Byte.Array[64]).Sample((priv, msg, z) =>
        {
            var sig = Sign(priv, msg, z);
            var ed = new byte[32];
            KeyConversion.Curve25519PublicKeyToEd25519(PublicOf(priv), 0, ed);
            // The mapped key is E with the sign bit cleared.
            var e = EdwardsOf(priv); e[31] &= 0x7f;
            return Hex(ed) == Hex(e) && Ed25519.Verify(ed, msg, sig)
                && Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Verify(sig, 0, ed, 0, msg, 0, msg.Length);
        }, iter: 500);
    }

    [Fact]
    public void LibsignalVariant_AcceptedByVerifyLibsignalOnly()
    {
        int withSignBit = 0;
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[0, 100], Gen.Byte.Array[64]).Sample((priv, msg, z) =>
        {
            var sig = LibsignalSign(priv, msg, z);
            var u = PublicOf(priv);
            bool signBit = (sig[63] & 0x80) != 0;
            if (signBit) withSignBit++;
            // With sign bit 0 the libsignal form is a strict XEdDSA signature; with 1 only the libsignal verifier accepts it.
            return XEdDsa.VerifyLibsignal(u, msg, sig) && XEdDsa.Verify(u, msg, sig) == !signBit;
        }, iter: 400);
        Assert.True(withSignBit > 50);
    }

    [Fact]
    public void StrictRules()
    {
        var priv = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var msg = "strict"u8.ToArray();
        var z = new byte[64];
        var u = PublicOf(priv);
        var sig = Sign(priv, msg, z);
        Assert.True(XEdDsa.Verify(u, msg, sig));

        // Top bit of byte 63 set.
        var top = (byte[])sig.Clone(); top[63] |= 0x80;
        Assert.False(XEdDsa.Verify(u, msg, top));

        // s + L: the equation still holds mod L, but s is not canonical.
        var s = new BigInteger(sig.AsSpan(32), isUnsigned: true) + L;
        var mall = (byte[])sig.Clone(); s.TryWriteBytes(mall.AsSpan(32), out _, isUnsigned: true);
        Assert.False(XEdDsa.Verify(u, msg, mall));
        Assert.False(XEdDsa.VerifyLibsignal(u, msg, mall));

        // u + p (non-canonical u, same point): refused.
        var uPlusP = (new BigInteger(u, isUnsigned: true) + BigInteger.Pow(2, 255) - 19).ToByteArray(isUnsigned: true);
        if (uPlusP.Length <= 32)
        {
            var nc = new byte[32]; uPlusP.CopyTo(nc, 0);
            Assert.False(XEdDsa.Verify(nc, msg, sig));
        }
        var withTop = (byte[])u.Clone(); withTop[31] |= 0x80;
        Assert.False(XEdDsa.Verify(withTop, msg, sig));

        // Small-order / invalid u: 0, 1, p - 1 and a twist point.
        foreach (var bad in new[] { new byte[32], [1, .. new byte[31]], [2, .. new byte[31]],
                     [0xec, .. Enumerable.Repeat((byte)0xff, 30), 0x7f] })
            Assert.False(XEdDsa.Verify(bad, msg, sig));

        // Wrong lengths.
        Assert.False(XEdDsa.Verify(u.AsSpan(0, 31), msg, sig));
        Assert.False(XEdDsa.Verify(u, msg, sig.AsSpan(0, 63)));
        Assert.Throws<ArgumentException>(() => XEdDsa.Sign(priv, msg, new byte[63], new byte[64]));
        Assert.Throws<ArgumentException>(() => XEdDsa.Sign(priv.AsSpan(0, 31).ToArray(), msg, z, new byte[64]));
        Assert.Throws<ArgumentException>(() => XEdDsa.Sign(priv, msg, z, new byte[63]));
    }

    [Fact]
    public void SingleBitFlips_AreRejected()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[1, 64], Gen.Int[0, 1 << 20]).Sample((priv, msg, r) =>
        {
            var sig = Sign(priv, msg, new byte[64]);
            var u = PublicOf(priv);
            var m2 = (byte[])msg.Clone(); int mb = r % (msg.Length * 8); m2[mb >> 3] ^= (byte)(1 << (mb & 7));
            var s2 = (byte[])sig.Clone(); int sb = r % 512; s2[sb >> 3] ^= (byte)(1 << (sb & 7));
            var u2 = (byte[])u.Clone(); int ub = r % 255; u2[ub >> 3] ^= (byte)(1 << (ub & 7));
            return XEdDsa.Verify(u, msg, sig) && !XEdDsa.Verify(u, m2, sig) && !XEdDsa.Verify(u, msg, s2)
                && !XEdDsa.Verify(u2, msg, sig) && !XEdDsa.VerifyLibsignal(u2, msg, sig);
        }, iter: 300);
    }

    [Fact]
    public void Backend_DelegatesToTheStaticClasses()
    {
        ICurveBackend b = ManagedCurveBackend.Instance;
        Assert.Equal("managed", b.Name);
        var seed = new byte[32]; seed[3] = 3;
        var pk = new byte[32]; b.Ed25519DerivePublicKey(seed, pk);
        var sig = new byte[64]; b.Ed25519Sign(seed, "x"u8, sig);
        Assert.True(b.Ed25519Verify(pk, "x"u8, sig));
        var cpriv = new byte[32]; b.Ed25519SeedToCurve25519(seed, cpriv);
        var cpub = new byte[32]; b.X25519DerivePublicKey(cpriv, cpub);
        var mapped = new byte[32]; Assert.True(b.TryEd25519PublicKeyToCurve25519(pk, mapped));
        Assert.Equal(Hex(cpub), Hex(mapped));
        var xs = new byte[64]; b.XEdDsaSign(cpriv, "y"u8, new byte[64], xs);
        Assert.True(b.XEdDsaVerify(cpub, "y"u8, xs));
        var s1 = new byte[32]; var s2 = new byte[32];
        var other = new byte[32]; other[0] = 1; var otherPub = new byte[32]; b.X25519DerivePublicKey(other, otherPub);
        Assert.True(b.TryX25519Agree(cpriv, otherPub, s1));
        Assert.True(b.TryX25519Agree(other, cpub, s2));
        Assert.Equal(Hex(s1), Hex(s2));
    }
}
