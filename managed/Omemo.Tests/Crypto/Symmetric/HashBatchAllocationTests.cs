using Omemo.Crypto;
using Xunit.Abstractions;

namespace Omemo.Tests.Crypto.Symmetric;

/// <summary>The batch hash layer allocates nothing on any path (per-thread allocation counter, exact).</summary>
public class HashBatchAllocationTests(ITestOutputHelper output)
{
    public static TheoryData<string> Paths => Sha256PathScope.Names;

    [Theory]
    [MemberData(nameof(Paths))]
    public void Batch_of_100_allocates_nothing(string path)
    {
        Sha256PathScope.Run(path, output, () =>
        {
            const int N = 100;
            byte[] keys = new byte[N * 80], data = new byte[N * 170], macs = new byte[N * 32], okm = new byte[N * 80];
            byte[] messageKeys = new byte[N * 32], chainKeys = new byte[N * 32];
            int[] lengths = Enumerable.Range(0, N).Select(i => 100 + i % 71).ToArray();
            int[] offsets = Enumerable.Range(0, N).Select(i => i * 170).ToArray();
            var states = new HmacSha256KeyState[N];
            HmacSha256KeyState salt = HkdfBatch.PrecomputeSalt(new byte[32]);

            void Round()
            {
                HmacSha256Batch.PrecomputeKeys(keys.AsSpan(32), 80, 32, states);
                HmacSha256Batch.ComputeMacs(states, data, offsets, lengths, macs, 16);
                HmacSha256Batch.ComputeMacs(states, data, 170, lengths, macs, 32);
                HmacSha256Batch.ComputeSameMessage(states, [1], macs, 32);
                HmacSha256Batch.DeriveChainKeys(chainKeys, messageKeys, chainKeys);
                HkdfBatch.DeriveKeys(salt, messageKeys, 32, "OMEMO Message Key Material"u8, okm, 80);
            }

            for (int i = 0; i < 20; i++) Round(); // warm-up: JIT tiers
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) Round();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            output.WriteLine($"{path}: {allocated} bytes over 10 rounds of {N} lanes");
            Assert.Equal(0, allocated);
        });
    }
}
