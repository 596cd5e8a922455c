using System.Runtime.InteropServices;
using System.Security.Cryptography;
using CsCheck;
using Omemo.Crypto;
using Xunit.Abstractions;

namespace Omemo.Tests.Crypto.Symmetric;

/// <summary><see cref="HkdfBatch"/> equals <see cref="HKDF.DeriveKey(HashAlgorithmName, byte[], int, byte[], byte[])"/> lane by lane on every SHA-256 path.</summary>
public class HkdfBatchTests(ITestOutputHelper output)
{
    public static TheoryData<string> Paths => Sha256PathScope.Names;

    [Theory]
    [MemberData(nameof(Paths))]
    public void Random_batches_equal_the_BCL(string path)
    {
        Sha256PathScope.Run(path, output, () =>
        {
            // info up to 200 bytes crosses the pooled-buffer threshold; L up to 300 crosses several T(k) blocks.
            var lengths = Gen.Select(Gen.Int[1, 40], Gen.Int[0, 80], Gen.Frequency((3, Gen.Int[1, 100]), (1, Gen.Int[100, 300])));
            Gen.Select(lengths, Gen.Byte.Array[0, 80], Gen.Byte.Array[0, 200]).SelectMany((l, salt, info) =>
                Gen.Byte.Array[l.Item1 * l.Item2].Select(ikms => (l.Item1, l.Item2, l.Item3, salt, info, ikms)))
            .Sample(t =>
            {
                var (n, ikmLength, outputLength, salt, info, ikms) = t;
                byte[] okm = new byte[n * outputLength];
                HkdfBatch.DeriveKeys(salt, ikms, ikmLength, info, okm, outputLength);
                for (int i = 0; i < n; i++)
                {
                    byte[] expected = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikms.AsSpan(i * ikmLength, ikmLength).ToArray(), outputLength, salt, info);
                    Assert.Equal(expected, okm.AsSpan(i * outputLength, outputLength).ToArray());
                }
            }, iter: 200, writeLine: output.WriteLine);
        });
    }

    /// <summary>OMEMO's message keys (zero salt, "OMEMO Message Key Material", 80 bytes) for 1..200 lanes, salt state precomputed.</summary>
    [Fact]
    public void Omemo_message_keys_with_a_precomputed_salt()
    {
        HmacSha256KeyState salt = HkdfBatch.PrecomputeSalt(new byte[32]);
        HmacSha256KeyState empty = HkdfBatch.PrecomputeSalt([]); // RFC 5869: no salt = HashLen zeros
        Assert.True(MemoryMarshal.AsBytes(new Span<HmacSha256KeyState>(ref salt)).SequenceEqual(MemoryMarshal.AsBytes(new Span<HmacSha256KeyState>(ref empty))));
        Gen.Byte.Array[32].Array[1, 200].Sample(keys =>
        {
            byte[] okm = new byte[keys.Length * 80];
            HkdfBatch.DeriveKeys(salt, keys.SelectMany(k => k).ToArray(), 32, "OMEMO Message Key Material"u8, okm, 80);
            for (int i = 0; i < keys.Length; i++)
            {
                byte[] expected = HKDF.DeriveKey(HashAlgorithmName.SHA256, keys[i], 80, new byte[32], "OMEMO Message Key Material"u8.ToArray());
                Assert.Equal(expected, okm.AsSpan(i * 80, 80).ToArray());
            }
        }, iter: 50, writeLine: output.WriteLine);
    }

    [Fact]
    public void Longest_output_and_bad_arguments()
    {
        byte[] ikm = RandomNumberGenerator.GetBytes(64), okm = new byte[2 * HkdfBatch.MaxOutputLength];
        HkdfBatch.DeriveKeys([1, 2, 3], ikm, 32, "x"u8, okm, HkdfBatch.MaxOutputLength);
        Assert.Equal(HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm[32..], HkdfBatch.MaxOutputLength, [1, 2, 3], "x"u8.ToArray()), okm[HkdfBatch.MaxOutputLength..]);

        Assert.Throws<ArgumentOutOfRangeException>(() => HkdfBatch.DeriveKeys([], ikm, 32, [], new byte[8161 * 2], 8161));
        Assert.Throws<ArgumentOutOfRangeException>(() => HkdfBatch.DeriveKeys([], ikm, 32, [], new byte[0], 0));
        Assert.Throws<ArgumentException>(() => HkdfBatch.DeriveKeys([], ikm, 32, [], new byte[81], 80));   // not N * L
        Assert.Throws<ArgumentException>(() => HkdfBatch.DeriveKeys([], ikm, 32, [], new byte[240], 80));  // 3 outputs, 2 keys
        Assert.Throws<ArgumentException>(() => HkdfBatch.DeriveKeys([], ikm, 32, [], ikm, 32));             // output over input
    }
}
