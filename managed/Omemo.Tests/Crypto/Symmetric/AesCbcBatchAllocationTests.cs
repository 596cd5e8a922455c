using Omemo.Crypto;

namespace Omemo.Tests.Crypto.Symmetric;

/// <summary>A fan-out batch of 100 recipients must not allocate on the AES-NI paths (the BCL fallback does, inside the BCL).</summary>
public class AesCbcBatchAllocationTests
{
    private const int Lanes = 100;

    [Fact]
    public void Batch_of_100_allocates_nothing()
    {
        if (!AesCbc.IsHardwareAccelerated) return;
        byte[] keys = new byte[32 * Lanes], ivs = new byte[16 * Lanes], plaintexts = new byte[48 * Lanes], ciphertexts = new byte[64 * Lanes];
        int[] lengths = [.. Enumerable.Range(0, Lanes).Select(i => 48)], offsets = [.. lengths.Select((_, i) => 48 * i)], ctOffsets = new int[Lanes];
        AesCbcBatch.GetCiphertextOffsets(lengths, ctOffsets);

        void Round()
        {
            AesCbcBatch.Encrypt(keys, ivs, plaintexts, 48, ciphertexts);
            AesCbcBatch.Encrypt(keys, ivs, plaintexts, offsets, lengths, ciphertexts, ctOffsets);
            AesCbcBatch.Encrypt(keys, ivs, plaintexts, 48, ciphertexts, AesCbcBatchBackend.PerLaneAesNi);
        }

        for (int i = 0; i < 300; i++) Round(); // warm-up: JIT tiers
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
