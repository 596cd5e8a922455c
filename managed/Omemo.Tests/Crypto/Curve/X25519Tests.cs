using CsCheck;
using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Tests.Vectors;
using X25519 = Omemo.Crypto.X25519;

namespace Omemo.Tests.Crypto.Curve;

public class X25519Tests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s);

    private static byte[] Mult(byte[] k, byte[] u)
    {
        var r = new byte[32];
        X25519.ScalarMult(k, u, r);
        return r;
    }

    [Theory] // RFC 7748 section 5.2, the two single-shot vectors
    [InlineData("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
                "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")]
    [InlineData("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
                "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957")]
    public void Rfc7748_Section5_2(string k, string u, string expected)
        => Assert.Equal(expected, Convert.ToHexStringLower(Mult(Hex(k), Hex(u))));

    [Fact] // RFC 7748 section 5.2, iterated: k = u = 9; after 1 and after 1,000 rounds
    public void Rfc7748_Iterated_1000()
    {
        var k = new byte[32]; k[0] = 9;
        var u = (byte[])k.Clone();
        for (int i = 1; i <= 1000; i++)
        {
            var next = Mult(k, u);
            u = k; k = next;
            if (i == 1) Assert.Equal("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", Convert.ToHexStringLower(k));
        }
        Assert.Equal("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", Convert.ToHexStringLower(k));
    }

    [Fact] // RFC 7748 section 6.1
    public void Rfc7748_DiffieHellman()
    {
        var a = Hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var b = Hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        var pa = new byte[32]; X25519.DerivePublicKey(a, pa);
        var pb = new byte[32]; X25519.DerivePublicKey(b, pb);
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(pa));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Convert.ToHexStringLower(pb));
        var s1 = new byte[32]; var s2 = new byte[32];
        Assert.True(X25519.TryAgree(a, pb, s1));
        Assert.True(X25519.TryAgree(b, pa, s2));
        Assert.Equal("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", Convert.ToHexStringLower(s1));
        Assert.Equal(s1, s2);
    }

    /// <summary>
    /// Every Wycheproof x25519 case. Policy for "acceptable": the raw function <see cref="X25519.ScalarMult"/>
    /// must produce the listed shared value for every case (valid or acceptable: twist points, non-canonical u,
    /// low-order points); key agreement (<see cref="X25519.TryAgree"/>) additionally refuses exactly those cases
    /// whose shared value is all zero (the ZeroSharedSecret / low-order ones), as libsodium does.
    /// </summary>
    [Fact]
    public void Wycheproof_AllCases()
    {
        var cases = Wycheproof.Load("x25519_test.json");
        int refusedZero = 0;
        foreach (var c in cases)
        {
            Assert.True(c.Result is "valid" or "acceptable", c.ToString());
            var shared = c.Hex("shared");
            Assert.True(shared.AsSpan().SequenceEqual(Mult(c.Hex("private"), c.Hex("public"))), c.ToString());
            var agreed = new byte[32];
            bool ok = X25519.TryAgree(c.Hex("private"), c.Hex("public"), agreed);
            bool zero = shared.All(x => x == 0);
            Assert.Equal(!zero, ok);
            if (zero)
            {
                refusedZero++;
                Assert.True(c.Flags.Contains("ZeroSharedSecret"), c.ToString());
                Assert.Throws<InvalidKeyException>(() => X25519.Agree(c.Hex("private"), c.Hex("public"), new byte[32]));
            }
        }
        Assert.True(refusedZero > 0);
    }

    [Fact] // BouncyCastle as an independent managed oracle, random scalars and random u (including non-points / twist)
    public void MatchesBouncyCastle_OnRandomInputs()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[32]).Sample((k, u) =>
        {
            var expected = new byte[32];
            Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMult(k, 0, u, 0, expected, 0);
            return expected.AsSpan().SequenceEqual(Mult(k, u));
        }, iter: 2000);
    }

    [Fact]
    public void DerivedPublicKeys_MatchBouncyCastle_AndAgreeBothWays()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[32]).Sample((a, b) =>
        {
            var pa = new byte[32]; X25519.DerivePublicKey(a, pa);
            var pb = new byte[32]; X25519.DerivePublicKey(b, pb);
            var bc = new byte[32]; Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMultBase(a, 0, bc, 0);
            var s1 = new byte[32]; var s2 = new byte[32];
            return bc.AsSpan().SequenceEqual(pa) && X25519.TryAgree(a, pb, s1) && X25519.TryAgree(b, pa, s2) && s1.AsSpan().SequenceEqual(s2);
        }, iter: 500);
    }

    [Fact]
    public void RejectsShortBuffers()
    {
        Assert.Throws<ArgumentException>(() => X25519.ScalarMult(new byte[31], new byte[32], new byte[32]));
        Assert.Throws<ArgumentException>(() => X25519.ScalarMult(new byte[32], new byte[31], new byte[32]));
        Assert.Throws<ArgumentException>(() => X25519.ScalarMult(new byte[32], new byte[32], new byte[31]));
    }

    [Fact]
    public void GeneratedKeysAreClampedAndDistinct()
    {
        var a = new byte[32]; var b = new byte[32];
        X25519.GeneratePrivateKey(a); X25519.GeneratePrivateKey(b);
        Assert.NotEqual(a, b);
        Assert.Equal(0, a[0] & 7);
        Assert.Equal(64, a[31] & 0xC0);
    }

    [Fact]
    public void ScalarMult_AllocatesNothing()
    {
        var k = new byte[32]; var u = new byte[32]; var o = new byte[32];
        k[0] = 1; u[0] = 9;
        X25519.ScalarMult(k, u, o);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++) X25519.ScalarMult(k, u, o);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
