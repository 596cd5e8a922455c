using CsCheck;
using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Tests.Vectors;
using static Omemo.Tests.Crypto.Symmetric.Reference;

namespace Omemo.Tests.Crypto.Symmetric;

public class AesCbcTests
{
    /// <summary>
    /// Every case of Wycheproof aes_cbc_pkcs5_test.json, on each backend. Our API is AES-256 only (OMEMO 2 uses
    /// nothing else), so the 256-bit groups are checked case by case (valid: decrypts to msg and re-encrypts to
    /// the exact ct; invalid: rejected by TryDecrypt and Decrypt), while for the 128- and 192-bit groups we assert
    /// that every case is refused up front with ArgumentException for its key size.
    /// </summary>
    [Theory]
    [MemberData(nameof(AesBackends), MemberType = typeof(Reference))]
    public void Wycheproof_aes_cbc_pkcs5(string backendName)
    {
        if (!Available(backendName)) return;
        var backend = Backend(backendName);
        var cases = Wycheproof.Load("aes_cbc_pkcs5_test.json");
        int checked256 = 0, rejectedKeySize = 0;
        foreach (var c in cases)
        {
            byte[] key = c.Hex("key"), iv = c.Hex("iv"), msg = c.Hex("msg"), ct = c.Hex("ct");
            int keySize = c.Group.GetProperty("keySize").GetInt32();
            if (keySize != 256)
            {
                Assert.Throws<ArgumentException>(() => AesCbc.Encrypt(key, iv, msg, new byte[msg.Length + 16], backend));
                Assert.Throws<ArgumentException>(() => AesCbc.TryDecrypt(key, iv, ct, new byte[ct.Length], out _, backend));
                Assert.Throws<ArgumentException>(() => AesCbc.Decrypt(key, iv, ct, new byte[ct.Length], backend));
                rejectedKeySize++;
                continue;
            }

            var destination = new byte[ct.Length];
            bool ok = AesCbc.TryDecrypt(key, iv, ct, destination, out int written, backend);
            if (c.Result == "valid")
            {
                Assert.True(ok, c.ToString());
                Assert.Equal(msg, destination[..written]);
                Assert.Equal(msg, destination[..AesCbc.Decrypt(key, iv, ct, destination, backend)]);

                var encrypted = new byte[AesCbc.GetCiphertextLength(msg.Length)];
                Assert.Equal(ct.Length, AesCbc.Encrypt(key, iv, msg, encrypted, backend));
                Assert.Equal(ct, encrypted);
            }
            else
            {
                Assert.Equal("invalid", c.Result);
                Assert.False(ok, c.ToString());
                Assert.Equal(0, written);
                Assert.All(destination, b => Assert.Equal(0, b)); // partial plaintext wiped
                Assert.Throws<DecryptionFailedException>(() => AesCbc.Decrypt(key, iv, ct, new byte[ct.Length], backend));
            }

            checked256++;
        }

        Assert.Equal(72, checked256);
        Assert.Equal(144, rejectedKeySize);
    }

    /// <summary>FIPS-197 appendix C.3 (AES-256 block): with a zero IV the first CBC block is the raw block encryption.</summary>
    [Theory]
    [MemberData(nameof(AesBackends), MemberType = typeof(Reference))]
    public void Fips197_aes256_known_answer(string backendName)
    {
        if (!Available(backendName)) return;
        var backend = Backend(backendName);
        byte[] key = Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] pt = Hex("00112233445566778899aabbccddeeff");
        var ct = new byte[32];
        AesCbc.Encrypt(key, new byte[16], pt, ct, backend);
        Assert.Equal(Hex("8ea2b7ca516745bfeafc49904b496089"), ct[..16]);
    }

    /// <summary>
    /// NIST SP 800-38A F.2.5/F.2.6 (CBC-AES256). Our ciphertext carries one extra padding block; the first four
    /// blocks must be the published ones, and decryption (which runs the four-block parallel path) must round-trip.
    /// </summary>
    [Theory]
    [MemberData(nameof(AesBackends), MemberType = typeof(Reference))]
    public void Sp800_38a_cbc_aes256(string backendName)
    {
        if (!Available(backendName)) return;
        var backend = Backend(backendName);
        byte[] key = Hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        byte[] iv = Hex("000102030405060708090a0b0c0d0e0f");
        byte[] pt = Hex("6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710");
        byte[] expected = Hex("f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d 39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b");

        var ct = new byte[80];
        Assert.Equal(80, AesCbc.Encrypt(key, iv, pt, ct, backend));
        Assert.Equal(expected, ct[..64]);

        var back = new byte[80];
        Assert.Equal(64, AesCbc.Decrypt(key, iv, ct, back, backend));
        Assert.Equal(pt, back[..64]);
    }

    [Fact]
    public void Ciphertext_lengths()
    {
        Assert.Equal(16, AesCbc.GetCiphertextLength(0));
        Assert.Equal(16, AesCbc.GetCiphertextLength(15));
        Assert.Equal(32, AesCbc.GetCiphertextLength(16));
        Assert.Equal(32, AesCbc.GetCiphertextLength(31));
        Assert.Equal(int.MaxValue - 15, AesCbc.GetCiphertextLength(int.MaxValue - 31));
        Assert.Equal(int.MaxValue - 15, AesCbc.GetCiphertextLength(int.MaxValue - 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => AesCbc.GetCiphertextLength(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => AesCbc.GetCiphertextLength(int.MaxValue - 15));
        Assert.Throws<ArgumentOutOfRangeException>(() => AesCbc.GetCiphertextLength(int.MaxValue));
        Assert.Equal(0, AesCbc.GetMaxPlaintextLength(0));
        Assert.Equal(15, AesCbc.GetMaxPlaintextLength(16));
        Assert.Throws<ArgumentOutOfRangeException>(() => AesCbc.GetMaxPlaintextLength(-1));
    }

    [Theory]
    [MemberData(nameof(AesBackends), MemberType = typeof(Reference))]
    public void Argument_errors(string backendName)
    {
        if (!Available(backendName)) return;
        var backend = Backend(backendName);
        byte[] key = new byte[32], iv = new byte[16], pt = new byte[20], ct = new byte[32];
        foreach (int bad in new[] { 0, 16, 24, 31, 33, 64 })
        {
            Assert.Throws<ArgumentException>(() => AesCbc.Encrypt(new byte[bad], iv, pt, new byte[32], backend));
            Assert.Throws<ArgumentException>(() => AesCbc.TryDecrypt(new byte[bad], iv, ct, new byte[32], out _, backend));
        }

        foreach (int bad in new[] { 0, 8, 12, 15, 17, 32 })
        {
            Assert.Throws<ArgumentException>(() => AesCbc.Encrypt(key, new byte[bad], pt, new byte[32], backend));
            Assert.Throws<ArgumentException>(() => AesCbc.Decrypt(key, new byte[bad], ct, new byte[32], backend));
        }

        // Destination too short for the ciphertext / for the whole-block part of the plaintext.
        Assert.Throws<ArgumentException>(() => AesCbc.Encrypt(key, iv, pt, new byte[31], backend));
        Assert.Throws<ArgumentException>(() => AesCbc.TryDecrypt(key, iv, ct, new byte[15], out _, backend));

        // Partial overlap is refused; the same start address (in place) is allowed.
        var buffer = new byte[64];
        Assert.Throws<ArgumentException>(() => AesCbc.Encrypt(key, iv, buffer.AsSpan(0, 20), buffer.AsSpan(1, 32), backend));
        Assert.Throws<ArgumentException>(() => AesCbc.TryDecrypt(key, iv, buffer.AsSpan(16, 32), buffer.AsSpan(0, 32), out _, backend));
    }

    [Theory]
    [MemberData(nameof(AesBackends), MemberType = typeof(Reference))]
    public void Malformed_ciphertext_lengths_are_rejected(string backendName)
    {
        if (!Available(backendName)) return;
        var backend = Backend(backendName);
        byte[] key = new byte[32], iv = new byte[16];
        foreach (int length in new[] { 0, 1, 15, 17, 31, 33, 47 })
        {
            Assert.False(AesCbc.TryDecrypt(key, iv, new byte[length], new byte[64], out int written, backend));
            Assert.Equal(0, written);
            Assert.Throws<DecryptionFailedException>(() => AesCbc.Decrypt(key, iv, new byte[length], new byte[64], backend));
        }
    }

    /// <summary>The destination may be exactly the plaintext size; one byte less is an argument error, and the partial output is wiped.</summary>
    [Theory]
    [MemberData(nameof(AesBackends), MemberType = typeof(Reference))]
    public void Destination_sizes_for_decryption(string backendName)
    {
        if (!Available(backendName)) return;
        var backend = Backend(backendName);
        byte[] key = Hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"), iv = new byte[16];
        foreach (int length in new[] { 0, 1, 15, 16, 17, 40, 64, 100 })
        {
            byte[] pt = Enumerable.Range(1, length).Select(i => (byte)i).ToArray();
            var ct = new byte[AesCbc.GetCiphertextLength(length)];
            AesCbc.Encrypt(key, iv, pt, ct, backend);

            var exact = new byte[length];
            Assert.True(AesCbc.TryDecrypt(key, iv, ct, exact, out int written, backend));
            Assert.Equal(length, written);
            Assert.Equal(pt, exact);

            var max = new byte[AesCbc.GetMaxPlaintextLength(ct.Length)];
            Assert.Equal(length, AesCbc.Decrypt(key, iv, ct, max, backend));

            if (length > 0 && length % 16 != 0)
            {
                var tooShort = new byte[length - 1];
                Assert.Throws<ArgumentException>(() => AesCbc.TryDecrypt(key, iv, ct, tooShort, out _, backend));
                Assert.All(tooShort, b => Assert.Equal(0, b));
            }
        }
    }

    /// <summary>AES-NI encrypt == BCL encrypt == BouncyCastle CBC/PKCS7 for random key, IV and lengths 0..300.</summary>
    [Fact]
    public void Encryption_matches_BouncyCastle_on_every_backend()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[16], Gen.Byte.Array[0, 300]).Sample((key, iv, pt) =>
        {
            byte[] expected = BcAesCbcPkcs7(true, key, iv, pt);
            foreach (var name in new[] { "aesni", "bcl" })
            {
                if (!Available(name)) continue;
                var ct = new byte[AesCbc.GetCiphertextLength(pt.Length)];
                Assert.Equal(expected.Length, AesCbc.Encrypt(key, iv, pt, ct, Backend(name)));
                Assert.Equal(expected, ct);
            }

            var viaPublic = new byte[expected.Length];
            AesCbc.Encrypt(key, iv, pt, viaPublic);
            Assert.Equal(expected, viaPublic);
        }, iter: 5000);
    }

    /// <summary>decrypt(encrypt(x)) == x across backends (encrypt on one, decrypt on the other), also in place.</summary>
    [Fact]
    public void Round_trip_across_backends_and_in_place()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[16], Gen.Byte.Array[0, 300]).Sample((key, iv, pt) =>
        {
            var names = new[] { "aesni", "bcl" }.Where(Available).ToArray();
            foreach (var enc in names)
            foreach (var dec in names)
            {
                var ct = new byte[AesCbc.GetCiphertextLength(pt.Length)];
                AesCbc.Encrypt(key, iv, pt, ct, Backend(enc));
                var back = new byte[ct.Length];
                Assert.True(AesCbc.TryDecrypt(key, iv, ct, back, out int written, Backend(dec)));
                Assert.Equal(pt, back[..written]);

                // In place: the buffer holds the plaintext, becomes the ciphertext, then the plaintext again.
                var buffer = new byte[ct.Length];
                pt.CopyTo(buffer, 0);
                AesCbc.Encrypt(key, iv, buffer.AsSpan(0, pt.Length), buffer, Backend(enc));
                Assert.Equal(ct, buffer);
                Assert.Equal(pt.Length, AesCbc.Decrypt(key, iv, buffer, buffer, Backend(dec)));
                Assert.Equal(pt, buffer[..pt.Length]);
            }
        }, iter: 3000);
    }

    /// <summary>
    /// The constant-time padding check agrees with BouncyCastle on crafted final blocks: padding-like tails of
    /// every length 0..20 with values 0..20 (and occasionally one corrupted byte), encrypted raw.
    /// </summary>
    [Fact]
    public void Padding_verdict_matches_BouncyCastle()
    {
        var gen = Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[16], Gen.Int[0, 3], Gen.Byte.Array[16], Gen.Int[0, 16], Gen.Byte[0, 20], Gen.Int[-8, 15]);
        gen.Sample((key, iv, bodyBlocks, last, runLength, runValue, corruptAt) =>
        {
            for (int i = 16 - runLength; i < 16; i++) last[i] = runValue;
            if (corruptAt >= 0) last[corruptAt] ^= 0x01;
            byte[] raw = new byte[16 * bodyBlocks].Concat(last).ToArray();
            byte[] ct = BcAesCbcRawEncrypt(key, iv, raw);
            byte[]? expected = BcAesCbcPkcs7DecryptOrNull(key, iv, ct);
            foreach (var name in new[] { "aesni", "bcl" })
            {
                if (!Available(name)) continue;
                var destination = new byte[ct.Length];
                bool ok = AesCbc.TryDecrypt(key, iv, ct, destination, out int written, Backend(name));
                Assert.Equal(expected is not null, ok);
                if (expected is not null) Assert.Equal(expected, destination[..written]);
                else Assert.All(destination, b => Assert.Equal(0, b));
            }
        }, iter: 5000);
    }

    /// <summary>Exhaustive over the final byte: exactly the values 1..16 with a matching run are accepted.</summary>
    [Theory]
    [MemberData(nameof(AesBackends), MemberType = typeof(Reference))]
    public void Every_final_byte_value(string backendName)
    {
        if (!Available(backendName)) return;
        var backend = Backend(backendName);
        byte[] key = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray(), iv = new byte[16];
        for (int value = 0; value < 256; value++)
        {
            for (int run = 1; run <= 16; run++)
            {
                var last = new byte[16];
                for (int i = 0; i < 16; i++) last[i] = (byte)(0xA0 + i);
                for (int i = 16 - run; i < 16; i++) last[i] = (byte)value;
                byte[] ct = BcAesCbcRawEncrypt(key, iv, last);
                bool ok = AesCbc.TryDecrypt(key, iv, ct, new byte[16], out int written, backend);
                bool expected = value is >= 1 and <= 16 && run >= value;
                Assert.True(expected == ok, $"value {value} run {run}");
                Assert.Equal(expected ? 16 - value : 0, written);
            }
        }
    }
}
