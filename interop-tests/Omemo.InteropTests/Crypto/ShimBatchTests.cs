using CsCheck;
using Omemo.Native;
using Xunit.Abstractions;
using static Omemo.InteropTests.Crypto.CurveTestData;

namespace Omemo.InteropTests.Crypto;

/// <summary>The shim's batch entry points must equal the single libsodium calls (through <see cref="SodiumCurveBackend"/>).</summary>
public sealed class ShimBatchTests(ITestOutputHelper output)
{
    private const int BatchIterations = 200; // each iteration is a whole batch of up to 40 operations

    private static readonly Gen<byte[][]> KeyList = Key.Array[0, 40];
    private static readonly Gen<byte[][]> MessageList = Gen.Byte.Array[0, 120].Array[0, 40];

    private bool Ready(out ShimBatch shim, out SodiumCurveBackend sodium)
    {
        shim = null!;
        sodium = null!;
        if (!(NativeRequirement.Shim(output) & NativeRequirement.Sodium(output))) return false;
        shim = new ShimBatch();
        sodium = new SodiumCurveBackend();
        output.WriteLine($"shim: {shim.LibraryPath}");
        return true;
    }

    [Fact]
    public void X25519_fan_out_equals_single_calls()
    {
        if (!Ready(out var shim, out var sodium)) return;
        Gen.Select(Key, KeyList, Gen.Int[0, 1]).Sample((k, peers, plant) =>
        {
            List<byte[]> all = [.. peers];
            if (plant == 1) all.AddRange(SmallOrderPoints().Take(3)); // must come back rejected and zero
            byte[] packed = all.SelectMany(p => p).ToArray();
            byte[] batch = new byte[packed.Length];
            int rejected = shim.X25519Agree(k, packed, batch);

            int expectedRejected = 0;
            for (int i = 0; i < all.Count; i++)
            {
                byte[] single = new byte[32];
                if (!sodium.TryX25519Agree(k, all[i], single)) expectedRejected++;
                Assert.Equal(single, batch.AsSpan(32 * i, 32).ToArray());
            }
            Assert.Equal(expectedRejected, rejected);
        }, iter: BatchIterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void X25519_public_key_batch_equals_single_calls()
    {
        if (!Ready(out var shim, out var sodium)) return;
        KeyList.Sample(keys =>
        {
            byte[] packed = keys.SelectMany(k => k).ToArray();
            byte[] batch = new byte[packed.Length];
            shim.X25519DerivePublicKeys(packed, batch);
            for (int i = 0; i < keys.Length; i++)
            {
                byte[] single = new byte[32];
                sodium.X25519DerivePublicKey(keys[i], single);
                Assert.Equal(single, batch.AsSpan(32 * i, 32).ToArray());
            }
        }, iter: BatchIterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Ed25519_sign_and_verify_batches_equal_single_calls()
    {
        if (!Ready(out var shim, out var sodium)) return;
        Gen.Select(Key, MessageList, Gen.Int[0, int.MaxValue]).Sample((seed, messages, pick) =>
        {
            byte[] packed = messages.SelectMany(m => m).ToArray();
            int[] lengths = messages.Select(m => m.Length).ToArray();
            byte[] sigs = new byte[64 * messages.Length];
            shim.Ed25519Sign(seed, packed, lengths, sigs);

            byte[] pk = new byte[32];
            sodium.Ed25519DerivePublicKey(seed, pk);
            for (int i = 0; i < messages.Length; i++)
            {
                byte[] single = new byte[64];
                sodium.Ed25519Sign(seed, messages[i], single);
                Assert.Equal(single, sigs.AsSpan(64 * i, 64).ToArray());
            }

            // Verify: corrupt one signature bit when there is anything to corrupt.
            if (messages.Length > 0)
            {
                int bit = pick % (64 * messages.Length * 8);
                sigs[bit >> 3] ^= (byte)(1 << (bit & 7));
            }
            byte[] pks = Enumerable.Repeat(pk, messages.Length).SelectMany(p => p).ToArray();
            bool[] results = new bool[messages.Length];
            int valid = shim.Ed25519Verify(pks, packed, lengths, sigs, results);
            int expectedValid = 0;
            for (int i = 0; i < messages.Length; i++)
            {
                bool single = sodium.Ed25519Verify(pk, messages[i], sigs.AsSpan(64 * i, 64));
                Assert.Equal(single, results[i]);
                if (single) expectedValid++;
            }
            Assert.Equal(expectedValid, valid);
            Assert.Equal(Math.Max(0, messages.Length - 1), valid);
        }, iter: BatchIterations, writeLine: output.WriteLine);
    }

    [Fact]
    public void Inconsistent_sizes_are_refused_before_reaching_native_code()
    {
        if (!Ready(out var shim, out _)) return;
        byte[] k = new byte[32];
        Assert.Throws<ArgumentException>(() => shim.X25519Agree(k, new byte[33], new byte[64]));
        Assert.Throws<ArgumentException>(() => shim.X25519Agree(k, new byte[64], new byte[63]));
        Assert.Throws<ArgumentException>(() => shim.X25519Agree(new byte[31], new byte[32], new byte[32]));
        byte[] shared = new byte[96];
        Assert.Throws<ArgumentException>(() => shim.X25519Agree(k, shared.AsSpan(0, 64), shared.AsSpan(32, 64))); // overlap
        Assert.Throws<ArgumentException>(() => shim.X25519DerivePublicKeys(new byte[40], new byte[64]));
        Assert.Throws<ArgumentException>(() => shim.Ed25519Sign(k, new byte[10], [3, 6], new byte[128]));      // sum 9 != 10
        Assert.Throws<ArgumentException>(() => shim.Ed25519Sign(k, new byte[10], [11, -1], new byte[128]));    // negative
        Assert.Throws<ArgumentException>(() => shim.Ed25519Sign(k, new byte[10], [4, 6], new byte[127]));      // room for 2 sigs
        Assert.Throws<ArgumentException>(() => shim.Ed25519Verify(new byte[32], new byte[10], [4, 6], new byte[128], new bool[2]));
        Assert.Throws<ArgumentException>(() => shim.Ed25519Verify(new byte[64], new byte[10], [4, 6], new byte[128], new bool[1]));

        // Empty batches are fine.
        Assert.Equal(0, shim.X25519Agree(k, [], []));
        shim.Ed25519Sign(k, [], [], []);
        Assert.Equal(0, shim.Ed25519Verify([], [], [], [], []));
    }
}
