using CsCheck;
using Omemo.Crypto;
using Omemo.Tests.Vectors;
using static Omemo.Tests.Crypto.Symmetric.Reference;

namespace Omemo.Tests.Crypto.Symmetric;

public class HmacSha256Tests
{
    /// <summary>
    /// Every case of Wycheproof hmac_sha256_test.json: valid tags (full or truncated to tagSize bits) are
    /// reproduced and verify, through the single- and two-part APIs; invalid (modified) tags do not verify.
    /// </summary>
    [Fact]
    public void Wycheproof_hmac_sha256()
    {
        var cases = Wycheproof.Load("hmac_sha256_test.json");
        int valid = 0, invalid = 0;
        foreach (var c in cases)
        {
            byte[] key = c.Hex("key"), msg = c.Hex("msg"), tag = c.Hex("tag");
            int tagBytes = c.Group.GetProperty("tagSize").GetInt32() / 8;
            Assert.Equal(tagBytes, tag.Length);
            int split = msg.Length / 3;

            if (c.Result == "valid")
            {
                var mac = new byte[tagBytes];
                HmacSha256.Compute(key, msg, mac);
                Assert.Equal(tag, mac);
                var mac2 = new byte[tagBytes];
                HmacSha256.Compute(key, msg.AsSpan(0, split), msg.AsSpan(split), mac2);
                Assert.Equal(tag, mac2);
                Assert.True(HmacSha256.Verify(key, msg, tag), c.ToString());
                Assert.True(HmacSha256.Verify(key, msg.AsSpan(0, split), msg.AsSpan(split), tag), c.ToString());
                valid++;
            }
            else
            {
                Assert.Equal("invalid", c.Result);
                Assert.False(HmacSha256.Verify(key, msg, tag), c.ToString());
                Assert.False(HmacSha256.Verify(key, msg.AsSpan(0, split), msg.AsSpan(split), tag), c.ToString());
                invalid++;
            }
        }

        Assert.Equal(cases.Count, valid + invalid);
        Assert.True(invalid > 0);
    }

    public static TheoryData<string, string, string> Rfc4231 => new()
    {
        // Test case 1
        { "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
        // Test case 2 ("Jefe", "what do ya want for nothing?")
        { "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
        // Test case 3 (20 x 0xaa, 50 x 0xdd)
        { new string('a', 40), string.Concat(Enumerable.Repeat("dd", 50)), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
        // Test case 4 (0x01..0x19, 50 x 0xcd)
        { "0102030405060708090a0b0c0d0e0f10111213141516171819", string.Concat(Enumerable.Repeat("cd", 50)), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
        // Test case 5 ("Test With Truncation", tag truncated to 128 bits)
        { new string('0', 0) + string.Concat(Enumerable.Repeat("0c", 20)), "546573742057697468205472756e636174696f6e", "a3b6167473100ee06e0c796c2955552b" },
        // Test case 6 (131 x 0xaa: key longer than the block is hashed first)
        { string.Concat(Enumerable.Repeat("aa", 131)), Convert.ToHexString(Ascii("Test Using Larger Than Block-Size Key - Hash Key First")), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
        // Test case 7 (long key and long data)
        { string.Concat(Enumerable.Repeat("aa", 131)), Convert.ToHexString(Ascii("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.")), "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
    };

    [Theory]
    [MemberData(nameof(Rfc4231))]
    public void Rfc4231_vectors(string keyHex, string dataHex, string tagHex)
    {
        byte[] key = Hex(keyHex), data = Hex(dataHex), tag = Hex(tagHex);
        var mac = new byte[tag.Length];
        HmacSha256.Compute(key, data, mac);
        Assert.Equal(tag, mac);
        Array.Clear(mac);
        HmacSha256.Compute(key, data.AsSpan(0, data.Length / 2), data.AsSpan(data.Length / 2), mac);
        Assert.Equal(tag, mac);
        Assert.True(HmacSha256.Verify(key, data, tag));
        Assert.True(HmacSha256.Verify(key, ReadOnlySpan<byte>.Empty, data, tag));
    }

    /// <summary>Single- and two-part tags equal BouncyCastle's HMac(Sha256Digest), truncated to every length 1..32.</summary>
    [Fact]
    public void Matches_BouncyCastle()
    {
        Gen.Select(Gen.Byte.Array[0, 200], Gen.Byte.Array[0, 500], Gen.Int[0, 500], Gen.Int[1, 32]).Sample((key, data, splitSeed, tagLength) =>
        {
            byte[] expected = BcHmacSha256(key, data);
            int split = splitSeed % (data.Length + 1);
            var full = new byte[32];
            HmacSha256.Compute(key, data, full);
            Assert.Equal(expected, full);
            var twoPart = new byte[32];
            HmacSha256.Compute(key, data.AsSpan(0, split), data.AsSpan(split), twoPart);
            Assert.Equal(expected, twoPart);

            var truncated = new byte[tagLength];
            HmacSha256.Compute(key, data.AsSpan(0, split), data.AsSpan(split), truncated);
            Assert.Equal(expected[..tagLength], truncated);
            HmacSha256.Compute(key, data, truncated);
            Assert.Equal(expected[..tagLength], truncated);
            Assert.True(HmacSha256.Verify(key, data, expected.AsSpan(0, tagLength)));
            Assert.True(HmacSha256.Verify(key, data.AsSpan(0, split), data.AsSpan(split), expected.AsSpan(0, tagLength)));
        }, iter: 5000);
    }

    /// <summary>Flipping any single bit of a full or 16-byte (OMEMO) tag makes both Verify overloads fail.</summary>
    [Fact]
    public void Single_bit_flip_in_tag_fails()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[0, 300], Gen.Bool, Gen.Int[0, 255]).Sample((key, data, omemoLength, bitSeed) =>
        {
            var tag = new byte[omemoLength ? 16 : 32];
            HmacSha256.Compute(key, data, tag);
            Assert.True(HmacSha256.Verify(key, data, tag));
            int bit = bitSeed % (tag.Length * 8);
            tag[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(HmacSha256.Verify(key, data, tag));
            Assert.False(HmacSha256.Verify(key, data, ReadOnlySpan<byte>.Empty, tag));
        }, iter: 5000);
    }

    [Fact]
    public void Flipped_data_bit_fails()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[1, 300], Gen.Int[0, 10000]).Sample((key, data, bitSeed) =>
        {
            var tag = new byte[16];
            HmacSha256.Compute(key, data, tag);
            int bit = bitSeed % (data.Length * 8);
            data[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(HmacSha256.Verify(key, data, tag));
        }, iter: 2000);
    }

    [Fact]
    public void Tag_length_errors()
    {
        byte[] key = new byte[32], data = new byte[10];
        Assert.Throws<ArgumentException>(() => HmacSha256.Compute(key, data, Span<byte>.Empty));
        Assert.Throws<ArgumentException>(() => HmacSha256.Compute(key, data, new byte[33]));
        Assert.Throws<ArgumentException>(() => HmacSha256.Compute(key, data, data, Span<byte>.Empty));
        Assert.Throws<ArgumentException>(() => HmacSha256.Compute(key, data, data, new byte[33]));
        Assert.Throws<ArgumentException>(() => HmacSha256.Verify(key, data, ReadOnlySpan<byte>.Empty));
        Assert.Throws<ArgumentException>(() => HmacSha256.Verify(key, data, new byte[33]));
        Assert.Throws<ArgumentException>(() => HmacSha256.Verify(key, data, data, ReadOnlySpan<byte>.Empty));
        Assert.Throws<ArgumentException>(() => HmacSha256.Verify(key, data, data, new byte[33]));
    }

    /// <summary>The output may alias an input: the tag is computed into a private buffer first.</summary>
    [Fact]
    public void Output_may_alias_input()
    {
        byte[] key = Hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        var buffer = new byte[32];
        Ascii("Hi There").CopyTo(buffer, 0);
        HmacSha256.Compute(key, buffer.AsSpan(0, 8), buffer);
        Assert.Equal(Hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"), buffer);
    }
}
