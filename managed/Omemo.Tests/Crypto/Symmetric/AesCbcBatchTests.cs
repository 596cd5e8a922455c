using CsCheck;
using Omemo.Crypto;
using Omemo.Tests.Vectors;
using BclAes = System.Security.Cryptography.Aes;
using PaddingMode = System.Security.Cryptography.PaddingMode;

namespace Omemo.Tests.Crypto.Symmetric;

/// <summary>
/// AesCbcBatch on every path this CPU runs (auto, AES-NI interleaved, AES-NI per lane) and the forced BCL
/// fallback: each lane must equal the BCL's own AES-256-CBC/PKCS7 encryption and decrypt back with AesCbc.
/// </summary>
public class AesCbcBatchTests
{
    private static readonly string[] BackendNames = ["auto", "interleaved", "perlane-aesni", "perlane-bcl"];

    public static TheoryData<string> Backends => [.. BackendNames];

    private static AesCbcBatchBackend Backend(string name) => name switch
    {
        "auto" => AesCbcBatchBackend.Auto,
        "interleaved" => AesCbcBatchBackend.Interleaved,
        "perlane-aesni" => AesCbcBatchBackend.PerLaneAesNi,
        "perlane-bcl" => AesCbcBatchBackend.PerLaneBcl,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>False for the AES-NI paths on a CPU without AES-NI; xunit 2 has no runtime skip, so callers return early.</summary>
    private static bool Available(string name) => AesCbc.IsHardwareAccelerated || name is "auto" or "perlane-bcl";

    private static IEnumerable<AesCbcBatchBackend> AvailableBackends => BackendNames.Where(Available).Select(Backend);

    /// <summary>Lengths 0..200, with block boundaries (15, 16, 17, 31, 32, 33, 47, 48, 49, ...) drawn often.</summary>
    private static readonly Gen<int> Length = Gen.Frequency(
        (2, Gen.Int[0, 200]),
        (1, Gen.Int[0, 12].SelectMany(blocks => Gen.Int[-1, 1].Select(delta => Math.Max(0, (16 * blocks) + delta)))));

    /// <summary>One random lane: key, IV, plaintext.</summary>
    private static readonly Gen<(byte[] Key, byte[] Iv, byte[] Plaintext)> Lane =
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[16], Length.SelectMany(n => Gen.Byte.Array[n]));

    private static byte[] BclEncrypt(byte[] key, byte[] iv, byte[] plaintext)
    {
        using var aes = BclAes.Create();
        aes.Key = key;
        return aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
    }

    /// <summary>Mixed lengths, 1..40 lanes (crossing the 8-lane groups), plaintexts placed with random gaps.</summary>
    [Fact]
    public void Mixed_lengths_match_the_BCL_on_every_path()
    {
        Gen.Select(Lane.List[1, 40], Gen.Int[0, 7]).Sample((lanes, gap) =>
        {
            int n = lanes.Count;
            byte[] keys = [.. lanes.SelectMany(l => l.Key)], ivs = [.. lanes.SelectMany(l => l.Iv)];
            int[] ptOffsets = new int[n], ptLengths = [.. lanes.Select(l => l.Plaintext.Length)], ctOffsets = new int[n];
            var plaintexts = new byte[lanes.Sum(l => l.Plaintext.Length + gap)];
            for (int i = 0, at = 0; i < n; at += ptLengths[i] + gap, i++)
            {
                ptOffsets[i] = at;
                lanes[i].Plaintext.CopyTo(plaintexts, at);
            }

            int total = AesCbcBatch.GetCiphertextOffsets(ptLengths, ctOffsets);
            foreach (var backend in AvailableBackends)
            {
                var ciphertexts = new byte[total];
                AesCbcBatch.Encrypt(keys, ivs, plaintexts, ptOffsets, ptLengths, ciphertexts, ctOffsets, backend);
                for (int i = 0; i < n; i++)
                {
                    var (key, iv, pt) = lanes[i];
                    byte[] ct = ciphertexts.AsSpan(ctOffsets[i], AesCbcBatch.GetCiphertextLength(pt.Length)).ToArray();
                    Assert.Equal(BclEncrypt(key, iv, pt), ct);
                    var back = new byte[ct.Length];
                    Assert.True(AesCbc.TryDecrypt(key, iv, ct, back, out int written));
                    Assert.Equal(pt, back[..written]);
                }
            }
        }, iter: 300);
    }

    /// <summary>The fixed-length overload (the OMEMO case: 32 or 48 bytes for every recipient), 1..40 lanes.</summary>
    [Fact]
    public void Fixed_length_matches_the_BCL_on_every_path()
    {
        Gen.Select(Gen.Int[1, 40], Length).SelectMany((n, length) =>
            Gen.Select(Gen.Byte.Array[32 * n], Gen.Byte.Array[16 * n], Gen.Byte.Array[n * length], Gen.Const(length)))
            .Sample((keys, ivs, plaintexts, length) =>
        {
            int n = ivs.Length / 16, c = AesCbcBatch.GetCiphertextLength(length);
            foreach (var backend in AvailableBackends)
            {
                var ciphertexts = new byte[(n * c) + 5]; // longer than needed: the tail stays untouched
                Assert.Equal(n * c, AesCbcBatch.Encrypt(keys, ivs, plaintexts, length, ciphertexts, backend));
                for (int i = 0; i < n; i++)
                {
                    byte[] expected = BclEncrypt(keys[(32 * i)..(32 * (i + 1))], ivs[(16 * i)..(16 * (i + 1))], plaintexts[(length * i)..(length * (i + 1))]);
                    Assert.Equal(expected, ciphertexts[(c * i)..(c * (i + 1))]);
                }

                Assert.All(ciphertexts[(n * c)..], b => Assert.Equal(0, b));
            }
        }, iter: 300);
    }

    /// <summary>Every valid AES-256 case of Wycheproof aes_cbc_pkcs5_test.json, all in one batch of mixed lengths.</summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void Wycheproof_aes256_valid_cases_in_one_batch(string backendName)
    {
        if (!Available(backendName)) return;
        var cases = Wycheproof.Load("aes_cbc_pkcs5_test.json")
            .Where(c => c.Group.GetProperty("keySize").GetInt32() == 256 && c.Result == "valid")
            .ToList();
        Assert.Equal(24, cases.Count);

        byte[] keys = [.. cases.SelectMany(c => c.Hex("key"))], ivs = [.. cases.SelectMany(c => c.Hex("iv"))];
        byte[][] messages = [.. cases.Select(c => c.Hex("msg"))];
        byte[] plaintexts = [.. messages.SelectMany(m => m)];
        int[] lengths = [.. messages.Select(m => m.Length)], ptOffsets = new int[cases.Count], ctOffsets = new int[cases.Count];
        for (int i = 0, at = 0; i < cases.Count; at += lengths[i], i++) ptOffsets[i] = at;
        var ciphertexts = new byte[AesCbcBatch.GetCiphertextOffsets(lengths, ctOffsets)];

        AesCbcBatch.Encrypt(keys, ivs, plaintexts, ptOffsets, lengths, ciphertexts, ctOffsets, Backend(backendName));
        for (int i = 0; i < cases.Count; i++)
        {
            byte[] ct = cases[i].Hex("ct");
            Assert.True(ct.AsSpan().SequenceEqual(ciphertexts.AsSpan(ctOffsets[i], ct.Length)), cases[i].ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Empty_batch_writes_nothing(string backendName)
    {
        if (!Available(backendName)) return;
        var backend = Backend(backendName);
        Assert.Equal(0, AesCbcBatch.Encrypt([], [], [], 48, [], backend));
        AesCbcBatch.Encrypt([], [], [], [], [], [], [], backend);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Argument_errors(string backendName)
    {
        if (!Available(backendName)) return;
        var backend = Backend(backendName);
        byte[] keys = new byte[64], ivs = new byte[32], pts = new byte[96], cts = new byte[128];
        int[] offsets = [0, 48], lengths = [48, 48], ctOffsets = [0, 64];
        void Fixed(byte[] k, byte[] v, byte[] p, int length, byte[] c) => AesCbcBatch.Encrypt(k, v, p, length, c, backend);
        void Variable(int[] po, int[] pl, int[] co, byte[] c) => AesCbcBatch.Encrypt(keys, ivs, pts, po, pl, c, co, backend);

        Assert.Throws<ArgumentException>(() => Fixed(new byte[63], ivs, pts, 48, cts));
        Assert.Throws<ArgumentException>(() => Fixed(keys, new byte[31], pts, 48, cts));
        Assert.Throws<ArgumentException>(() => Fixed(keys, new byte[48], pts, 48, cts));
        Assert.Throws<ArgumentException>(() => Fixed(keys, ivs, new byte[95], 48, cts));
        Assert.Throws<ArgumentException>(() => Fixed(keys, ivs, new byte[97], 48, cts));
        Assert.Throws<ArgumentException>(() => Fixed(keys, ivs, pts, 48, new byte[127]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fixed(keys, ivs, pts, -1, cts));

        Assert.Throws<ArgumentException>(() => Variable([0], lengths, ctOffsets, cts));
        Assert.Throws<ArgumentException>(() => Variable(offsets, [48], ctOffsets, cts));
        Assert.Throws<ArgumentException>(() => Variable(offsets, lengths, [0], cts));
        Assert.Throws<ArgumentException>(() => Variable([0, 49], lengths, ctOffsets, cts));
        Assert.Throws<ArgumentException>(() => Variable([-1, 48], lengths, ctOffsets, cts));
        Assert.Throws<ArgumentException>(() => Variable(offsets, [48, -1], ctOffsets, cts));
        Assert.Throws<ArgumentException>(() => Variable(offsets, lengths, [0, 65], cts));
        Assert.Throws<ArgumentException>(() => Variable(offsets, lengths, [-1, 64], cts));
        Assert.Throws<ArgumentException>(() => Variable(offsets, lengths, ctOffsets, new byte[127]));
        Assert.All(cts, b => Assert.Equal(0, b)); // validation happens before any write

        // The ciphertext buffer may not overlap an input.
        var buffer = new byte[400];
        Assert.Throws<ArgumentException>(() => AesCbcBatch.Encrypt(buffer.AsSpan(0, 64), ivs, pts, 48, buffer.AsSpan(32, 128), backend));
        Assert.Throws<ArgumentException>(() => AesCbcBatch.Encrypt(keys, buffer.AsSpan(0, 32), pts, 48, buffer.AsSpan(16, 128), backend));
        Assert.Throws<ArgumentException>(() => AesCbcBatch.Encrypt(keys, ivs, buffer.AsSpan(0, 96), 48, buffer.AsSpan(0, 128), backend));

        Assert.Throws<ArgumentException>(() => AesCbcBatch.GetCiphertextOffsets([1, 2], new int[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => AesCbcBatch.GetCiphertextOffsets([-1], new int[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => AesCbcBatch.GetCiphertextOffsets([int.MaxValue / 2, int.MaxValue / 2], new int[2]));
    }

    [Fact]
    public void Ciphertext_offsets_are_packed()
    {
        var offsets = new int[5];
        Assert.Equal(16 + 16 + 32 + 64 + 48, AesCbcBatch.GetCiphertextOffsets([0, 15, 16, 48, 32], offsets));
        Assert.Equal([0, 16, 32, 64, 128], offsets);
    }

    [Fact]
    public void Auto_takes_the_interleaved_path_with_AES_NI_and_the_BCL_without()
    {
        var expected = AesCbc.IsHardwareAccelerated ? AesCbcBatchBackend.Interleaved : AesCbcBatchBackend.PerLaneBcl;
        Assert.Equal(expected, AesCbcBatch.Resolve(AesCbcBatchBackend.Auto));
        if (!AesCbc.IsHardwareAccelerated)
        {
            Assert.Throws<PlatformNotSupportedException>(() => AesCbcBatch.Resolve(AesCbcBatchBackend.Interleaved));
        }
    }
}
