using CsCheck;
using Omemo.Crypto;
using Omemo.Tests.Vectors;
using static Omemo.Tests.Crypto.Symmetric.Reference;

namespace Omemo.Tests.Crypto.Symmetric;

public class HkdfTests
{
    /// <summary>
    /// Every case of Wycheproof hkdf_sha256_test.json: valid cases reproduce okm through DeriveKey and through
    /// Extract + Expand; the invalid ones ask for more than 255 * 32 bytes and must throw ArgumentException.
    /// </summary>
    [Fact]
    public void Wycheproof_hkdf_sha256()
    {
        var cases = Wycheproof.Load("hkdf_sha256_test.json");
        int valid = 0, invalid = 0;
        foreach (var c in cases)
        {
            byte[] ikm = c.Hex("ikm"), salt = c.Hex("salt"), info = c.Hex("info");
            int size = c.Test.GetProperty("size").GetInt32();
            if (c.Result == "valid")
            {
                byte[] okm = c.Hex("okm");
                var output = new byte[size];
                Hkdf.DeriveKey(ikm, salt, info, output);
                Assert.Equal(okm, output);

                var prk = new byte[Hkdf.PrkSize];
                Hkdf.Extract(ikm, salt, prk);
                var expanded = new byte[size];
                Hkdf.Expand(prk, info, expanded);
                Assert.Equal(okm, expanded);
                valid++;
            }
            else
            {
                Assert.Equal("invalid", c.Result);
                Assert.True(size > Hkdf.MaxOutputLength, c.ToString());
                Assert.Throws<ArgumentException>(() => Hkdf.DeriveKey(ikm, salt, info, new byte[size]));
                var prk = new byte[Hkdf.PrkSize];
                Hkdf.Extract(ikm, salt, prk);
                Assert.Throws<ArgumentException>(() => Hkdf.Expand(prk, info, new byte[size]));
                invalid++;
            }
        }

        Assert.Equal(cases.Count, valid + invalid);
        Assert.Equal(3, invalid);
    }

    public static TheoryData<string, string, string, int, string, string> Rfc5869 => new()
    {
        // A.1 basic test case with SHA-256
        {
            "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9", 42,
            "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        },
        // A.2 longer inputs and outputs
        {
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f",
            "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
            "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
            82,
            "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"
        },
        // A.3 zero-length salt and info
        {
            "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42,
            "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc5869))]
    public void Rfc5869_vectors(string ikmHex, string saltHex, string infoHex, int length, string prkHex, string okmHex)
    {
        byte[] ikm = Hex(ikmHex), salt = Hex(saltHex), info = Hex(infoHex);
        var prk = new byte[Hkdf.PrkSize];
        Hkdf.Extract(ikm, salt, prk);
        Assert.Equal(Hex(prkHex), prk);

        var okm = new byte[length];
        Hkdf.Expand(prk, info, okm);
        Assert.Equal(Hex(okmHex), okm);

        var derived = new byte[length];
        Hkdf.DeriveKey(ikm, salt, info, derived);
        Assert.Equal(Hex(okmHex), derived);
    }

    /// <summary>HKDF also equals an HMAC-built HKDF (RFC 5869 section 2 on top of our HMAC) and BouncyCastle.</summary>
    [Fact]
    public void Matches_BouncyCastle_and_definition()
    {
        Gen.Select(Gen.Byte.Array[0, 100], Gen.Byte.Array[0, 80], Gen.Byte.Array[0, 80], Gen.Int[1, 300]).Sample((ikm, salt, info, length) =>
        {
            byte[] expected = BcHkdfSha256(ikm, salt, info, length);
            var okm = new byte[length];
            Hkdf.DeriveKey(ikm, salt, info, okm);
            Assert.Equal(expected, okm);

            // Definition: PRK = HMAC(salt or 32 zeros, IKM); T(i) = HMAC(PRK, T(i-1) || info || i).
            var prk = new byte[32];
            HmacSha256.Compute(salt.Length == 0 ? new byte[32] : salt, ikm, prk);
            var manual = new List<byte>();
            byte[] t = [];
            for (byte i = 1; manual.Count < length; i++)
            {
                var next = new byte[32];
                HmacSha256.Compute(prk, t, [.. info, i], next);
                manual.AddRange(next);
                t = next;
            }

            Assert.Equal(expected, manual.Take(length).ToArray());
        }, iter: 2000);
    }

    [Fact]
    public void Length_limits()
    {
        byte[] ikm = new byte[32], salt = new byte[32], info = new byte[4];
        var max = new byte[Hkdf.MaxOutputLength];
        Hkdf.DeriveKey(ikm, salt, info, max);
        Assert.Equal(BcHkdfSha256(ikm, salt, info, Hkdf.MaxOutputLength), max);

        Assert.Equal(8160, Hkdf.MaxOutputLength);
        Assert.Throws<ArgumentException>(() => Hkdf.DeriveKey(ikm, salt, info, new byte[Hkdf.MaxOutputLength + 1]));
        Assert.Throws<ArgumentException>(() => Hkdf.DeriveKey(ikm, salt, info, Span<byte>.Empty));
        Assert.Throws<ArgumentException>(() => Hkdf.Expand(new byte[32], info, Span<byte>.Empty));
        Assert.Throws<ArgumentException>(() => Hkdf.Expand(new byte[32], info, new byte[Hkdf.MaxOutputLength + 1]));
        Assert.Throws<ArgumentException>(() => Hkdf.Expand(new byte[31], info, new byte[32]));
        Assert.Throws<ArgumentException>(() => Hkdf.Extract(ikm, salt, new byte[31]));
        Assert.Throws<ArgumentException>(() => Hkdf.Extract(ikm, salt, new byte[33]));

        // A PRK longer than HashLen is allowed by RFC 5869 and used as an HMAC key as is.
        var longPrk = Enumerable.Range(0, 48).Select(i => (byte)i).ToArray();
        var okm = new byte[40];
        Hkdf.Expand(longPrk, info, okm);
        var t1 = new byte[32];
        HmacSha256.Compute(longPrk, [.. info, 1], t1);
        Assert.Equal(t1, okm[..32]);
    }

    [Fact]
    public void Output_may_overlap_inputs()
    {
        byte[] buffer = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        byte[] expected = new byte[50];
        Hkdf.DeriveKey(buffer.AsSpan(0, 40), buffer.AsSpan(40, 10), buffer.AsSpan(32, 10), expected);
        Hkdf.DeriveKey(buffer.AsSpan(0, 40), buffer.AsSpan(40, 10), buffer.AsSpan(32, 10), buffer.AsSpan(0, 50));
        Assert.Equal(expected, buffer[..50]);

        buffer = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var okm = new byte[40];
        Hkdf.Expand(buffer.AsSpan(0, 32), buffer.AsSpan(32, 10), okm);
        Hkdf.Expand(buffer.AsSpan(0, 32), buffer.AsSpan(32, 10), buffer.AsSpan(0, 40));
        Assert.Equal(okm, buffer[..40]);
    }
}
