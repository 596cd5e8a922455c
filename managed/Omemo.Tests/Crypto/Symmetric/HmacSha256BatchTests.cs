using System.Security.Cryptography;
using CsCheck;
using Omemo.Crypto;
using Omemo.Tests.Vectors;
using Xunit.Abstractions;
using static Omemo.Tests.Crypto.Symmetric.Reference;

namespace Omemo.Tests.Crypto.Symmetric;

/// <summary>
/// <see cref="HmacSha256Batch"/> equals <see cref="HMACSHA256.HashData(byte[], byte[])"/> lane by lane on every SHA-256
/// path this CPU runs (and the forced scalar fallback), with mixed key and message lengths in one batch.
/// </summary>
public class HmacSha256BatchTests(ITestOutputHelper output)
{
    private static readonly int[] Edges = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 170];

    /// <summary>Message lengths around the padding edges (55/56: the length fits or not; 64: a whole block).</summary>
    internal static readonly Gen<byte[]> Message = Gen.OneOf(
        Gen.Int[0, 300], Gen.Int.Select(i => Edges[(int)((uint)i % Edges.Length)]))
        .SelectMany(n => Gen.Byte.Array[n]);

    // Keys up to a block, sometimes longer (hashed first).
    private static readonly Gen<byte[]> Key = Gen.Frequency((9, Gen.Byte.Array[0, 64]), (1, Gen.Byte.Array[65, 140]));

    private static readonly Gen<(byte[] Key, byte[] Message)[]> Lanes = Gen.Select(Key, Message).Array[1, 40];

    public static TheoryData<string> Paths => Sha256PathScope.Names;

    [Theory]
    [MemberData(nameof(Paths))]
    public void Random_batches_equal_the_BCL(string path)
    {
        Sha256PathScope.Run(path, output, () =>
        {
            Gen.Select(Lanes, Gen.Int[1, 32], Gen.Int[0, 3]).Sample((lanes, macLength, gap) =>
            {
                var states = Precompute(lanes.Select(l => l.Key).ToArray());
                var (data, offsets, lengths) = Pack(lanes.Select(l => l.Message).ToArray(), gap);
                byte[] macs = new byte[lanes.Length * macLength];
                HmacSha256Batch.ComputeMacs(states, data, offsets, lengths, macs, macLength);
                for (int i = 0; i < lanes.Length; i++)
                {
                    byte[] expected = HMACSHA256.HashData(lanes[i].Key, lanes[i].Message)[..macLength];
                    Assert.Equal(expected, macs.AsSpan(i * macLength, macLength).ToArray());
                }
            }, iter: 300, writeLine: output.WriteLine);
        });
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Strided_and_same_message_forms_equal_the_BCL(string path)
    {
        Sha256PathScope.Run(path, output, () =>
        {
            Gen.Select(Gen.Byte.Array[32].Array[1, 40], Message).Sample((keys, message) =>
            {
                var states = new HmacSha256KeyState[keys.Length];
                HmacSha256Batch.PrecomputeKeys(keys.SelectMany(k => k).ToArray(), 32, states);

                // Same message for all lanes, and the same bytes again through stride 0 with per-lane lengths.
                byte[] same = new byte[keys.Length * 32], strided = new byte[keys.Length * 32];
                HmacSha256Batch.ComputeSameMessage(states, message, same, 32);
                int[] lengths = Enumerable.Range(0, keys.Length).Select(i => message.Length - i % 2 * (message.Length / 2)).ToArray();
                HmacSha256Batch.ComputeMacs(states, message, 0, lengths, strided, 32);
                for (int i = 0; i < keys.Length; i++)
                {
                    Assert.Equal(HMACSHA256.HashData(keys[i], message), same.AsSpan(i * 32, 32).ToArray());
                    Assert.Equal(HMACSHA256.HashData(keys[i], message[..lengths[i]]), strided.AsSpan(i * 32, 32).ToArray());
                }
            }, iter: 200, writeLine: output.WriteLine);
        });
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Chain_key_step_equals_KDF_CK(string path)
    {
        Sha256PathScope.Run(path, output, () =>
        {
            Gen.Byte.Array[32].Array[0, 150].Sample(keys =>
            {
                byte[] chainKeys = keys.SelectMany(k => k).ToArray();
                byte[] messageKeys = new byte[chainKeys.Length], inPlace = (byte[])chainKeys.Clone();
                HmacSha256Batch.DeriveChainKeys(inPlace, messageKeys, inPlace);
                for (int i = 0; i < keys.Length; i++)
                {
                    Assert.Equal(HMACSHA256.HashData(keys[i], new byte[] { 0x01 }), messageKeys.AsSpan(i * 32, 32).ToArray());
                    Assert.Equal(HMACSHA256.HashData(keys[i], new byte[] { 0x02 }), inPlace.AsSpan(i * 32, 32).ToArray());
                }
            }, iter: 100, writeLine: output.WriteLine);
        });
    }

    /// <summary>All seven RFC 4231 cases in one batch (keys of 4 to 131 bytes, tags full and truncated).</summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void Rfc4231_vectors_in_one_batch(string path)
    {
        Sha256PathScope.Run(path, output, () =>
        {
            var cases = HmacSha256Tests.Rfc4231.Select(row => ((string)row[0], (string)row[1], (string)row[2]))
                .Select(c => (Key: Hex(c.Item1), Data: Hex(c.Item2), Tag: Hex(c.Item3))).ToArray();
            var states = Precompute(cases.Select(c => c.Key).ToArray());
            var (data, offsets, lengths) = Pack(cases.Select(c => c.Data).ToArray(), gap: 1);
            byte[] macs = new byte[cases.Length * 32];
            HmacSha256Batch.ComputeMacs(states, data, offsets, lengths, macs, 32);
            for (int i = 0; i < cases.Length; i++) Assert.Equal(cases[i].Tag, macs.AsSpan(i * 32, cases[i].Tag.Length).ToArray());
        });
    }

    /// <summary>Every Wycheproof hmac_sha256 case, one batch per test group (one tag size each).</summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void Wycheproof_hmac_sha256_in_batches(string path)
    {
        Sha256PathScope.Run(path, output, () =>
        {
            int checkedCases = 0;
            foreach (var group in Wycheproof.Load("hmac_sha256_test.json").GroupBy(c => c.Group.GetProperty("tagSize").GetInt32() / 8))
            {
                var cases = group.ToArray();
                int tagBytes = group.Key;
                var states = Precompute(cases.Select(c => c.Hex("key")).ToArray());
                var (data, offsets, lengths) = Pack(cases.Select(c => c.Hex("msg")).ToArray(), gap: 0);
                byte[] macs = new byte[cases.Length * tagBytes];
                HmacSha256Batch.ComputeMacs(states, data, offsets, lengths, macs, tagBytes);
                foreach (var (c, i) in cases.Select((c, i) => (c, i)))
                {
                    bool equal = macs.AsSpan(i * tagBytes, tagBytes).SequenceEqual(c.Hex("tag"));
                    Assert.True(equal == (c.Result == "valid"), c.ToString());
                    checkedCases++;
                }
            }
            Assert.True(checkedCases > 100);
        });
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var states = new HmacSha256KeyState[2];
        byte[] data = new byte[10], macs = new byte[64];
        Assert.Throws<ArgumentException>(() => HmacSha256Batch.ComputeMacs(states, data, [0, 5], [5, 6], macs, 32));   // past the end
        Assert.Throws<ArgumentException>(() => HmacSha256Batch.ComputeMacs(states, data, [0], [5], macs, 32));         // 2 states, 1 lane
        Assert.Throws<ArgumentException>(() => HmacSha256Batch.ComputeMacs(states, data, [0, -1], [1, 1], macs, 32));  // negative offset
        Assert.Throws<ArgumentException>(() => HmacSha256Batch.ComputeMacs(states, data, 5, [5, 6], macs, 32));       // stride past the end
        Assert.Throws<ArgumentOutOfRangeException>(() => HmacSha256Batch.ComputeMacs(states, data, [0, 0], [1, 1], macs, 33));
        Assert.Throws<ArgumentException>(() => HmacSha256Batch.ComputeMacs(states, data, [0, 0], [1, 1], new byte[63], 32));
        Assert.Throws<ArgumentException>(() => HmacSha256Batch.PrecomputeKeys(new byte[63], 32, states));
        Assert.Throws<ArgumentException>(() => HmacSha256Batch.DeriveChainKeys(new byte[33], new byte[64], new byte[64]));
        byte[] keys = new byte[64];
        Assert.Throws<ArgumentException>(() => HmacSha256Batch.DeriveChainKeys(keys, keys, new byte[64]));            // message keys over chain keys
        byte[] shared = new byte[96];
        Assert.Throws<ArgumentException>(() => HmacSha256Batch.DeriveChainKeys(shared.AsSpan(0, 64), new byte[64], shared.AsSpan(32, 64))); // partial overlap
        // A single state for every lane and an empty batch are fine.
        HmacSha256Batch.PrecomputeKeys([], 0, states.AsSpan(0, 1));
        HmacSha256Batch.ComputeMacs(states.AsSpan(0, 1), data, [0, 3], [3, 7], macs, 32);
        Assert.Equal(HMACSHA256.HashData(new byte[0], data.AsSpan(3, 7)), macs.AsSpan(32, 32).ToArray());
        HmacSha256Batch.ComputeMacs([], data, [], [], [], 32);
    }

    /// <summary>Key states for keys of any lengths, through the explicit offsets/lengths overload.</summary>
    internal static HmacSha256KeyState[] Precompute(byte[][] keys)
    {
        var (packed, offsets, lengths) = Pack(keys, gap: 2);
        var states = new HmacSha256KeyState[keys.Length];
        HmacSha256Batch.PrecomputeKeys(packed, offsets, lengths, states);
        return states;
    }

    /// <summary>Packs parts into one buffer with <paramref name="gap"/> filler bytes between them (offsets must be honoured).</summary>
    internal static (byte[] Data, int[] Offsets, int[] Lengths) Pack(byte[][] parts, int gap)
    {
        byte[] data = new byte[parts.Sum(p => p.Length + gap)];
        data.AsSpan().Fill(0xA5);
        int[] offsets = new int[parts.Length], lengths = new int[parts.Length];
        int at = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            offsets[i] = at;
            lengths[i] = parts[i].Length;
            parts[i].CopyTo(data, at);
            at += parts[i].Length + gap;
        }
        return (data, offsets, lengths);
    }
}
