using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Omemo.Crypto;

/// <summary>
/// AES-256-CBC over many independent lanes on AES-NI. CBC encryption is serial within a lane, so a single
/// stream leaves the AES unit idle for most of each AESENC's latency; here <see cref="Width"/> lanes advance
/// one block per step together, their rounds interleaved, which fills the pipeline (on this Zen 4: latency 4,
/// two per cycle, hence 8 lanes). Key schedules are expanded four lanes at a time (<see cref="AesCbcBatchKeySchedule"/>).
/// A group's lanes may have different lengths: a lane that is done computes a throw-away block until the
/// longest one finishes, branching only on the (public) lengths. Callers have validated every buffer.
/// </summary>
internal static class AesCbcBatchAesNi
{
    /// <summary>Lanes per group.</summary>
    internal const int Width = 8;

    private const int Rounds = 14;

    internal static bool IsSupported => AesNiCbc.IsSupported && AesCbcBatchKeySchedule.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Encrypt<TLayout>(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> ivs, ReadOnlySpan<byte> plaintexts, Span<byte> ciphertexts, int laneCount, TLayout layout)
        where TLayout : IAesCbcBatchLayout, allows ref struct
    {
        AesCbcBatchRoundKeys roundKeys = default;
        AesCbcBatchBlocks chain = default, finals = default;
        AesCbcBatchLanes lanes = default;
        Span<byte> padded = stackalloc byte[AesCbc.BlockSize];
        try
        {
            for (int first = 0; first < laneCount; first += Width)
            {
                int count = Math.Min(Width, laneCount - first);
                for (int quad = 0; quad < count; quad += AesCbcBatchKeySchedule.LanesPerCall)
                {
                    AesCbcBatchKeySchedule.Expand4(keys.Slice(first * AesCbc.KeySize, count * AesCbc.KeySize), quad, ref roundKeys);
                }

                int steps = 0;
                for (int i = 0; i < count; i++)
                {
                    int lane = first + i, offset = layout.PlaintextOffset(lane), length = layout.PlaintextLength(lane);
                    lanes[i] = new AesCbcBatchLane(offset, length / AesCbc.BlockSize, layout.CiphertextOffset(lane));
                    chain[i] = Vector128.Create(ivs.Slice((first + i) * AesCbc.IvSize, AesCbc.IvSize));

                    // The padded final block is built once per lane, so the step loop only loads or selects.
                    int tail = lanes[i].WholeBlocks * AesCbc.BlockSize;
                    Pkcs7.PadFinalBlock(plaintexts.Slice(offset + tail, length - tail), padded);
                    finals[i] = Vector128.Create(padded);
                    steps = Math.Max(steps, lanes[i].WholeBlocks + 1);
                }

                EncryptGroup(plaintexts, ciphertexts, count, steps, ref lanes, ref roundKeys, ref chain, ref finals);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes((Span<Vector128<byte>>)roundKeys));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes((Span<Vector128<byte>>)chain));
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes((Span<Vector128<byte>>)finals));
            CryptographicOperations.ZeroMemory(padded);
        }
    }

    /// <summary>
    /// Encrypts the first <paramref name="count"/> lanes of a group in lockstep, one block of each per step. Loads and
    /// stores are unchecked: every lane was validated against its buffer before the batch started.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EncryptGroup(
        ReadOnlySpan<byte> plaintexts, Span<byte> ciphertexts, int count, int steps, ref AesCbcBatchLanes lanes,
        ref AesCbcBatchRoundKeys roundKeys, ref AesCbcBatchBlocks chain, ref AesCbcBatchBlocks finals)
    {
        ref byte input = ref MemoryMarshal.GetReference(plaintexts);
        ref byte output = ref MemoryMarshal.GetReference(ciphertexts);
        for (int step = 0; step < steps; step++)
        {
            int position = step * AesCbc.BlockSize;

            // Round 0 (the key whitening) is folded into the CBC xor. A lane that is done takes a throw-away block.
            for (int i = 0; i < count; i++)
            {
                AesCbcBatchLane lane = lanes[i];
                Vector128<byte> block = step < lane.WholeBlocks
                    ? Vector128.LoadUnsafe(ref input, (nuint)(lane.PlaintextOffset + position))
                    : finals[i];
                chain[i] ^= block ^ roundKeys[i];
            }

            EncryptBlocks(ref chain, ref roundKeys);
            for (int i = 0; i < count; i++)
            {
                if (step <= lanes[i].WholeBlocks)
                {
                    chain[i].StoreUnsafe(ref output, (nuint)(lanes[i].CiphertextOffset + position));
                }
            }
        }
    }

    /// <summary>Rounds 1 to 14 of every lane of the group (round 0 is already applied), interleaved to hide AESENC's latency.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EncryptBlocks(ref AesCbcBatchBlocks blocks, ref AesCbcBatchRoundKeys roundKeys)
    {
        Vector128<byte> s0 = blocks[0], s1 = blocks[1], s2 = blocks[2], s3 = blocks[3];
        Vector128<byte> s4 = blocks[4], s5 = blocks[5], s6 = blocks[6], s7 = blocks[7];
        ref Vector128<byte> keys = ref roundKeys[0];
        for (int round = 1; round < Rounds; round++)
        {
            ref Vector128<byte> k = ref Unsafe.Add(ref keys, round * Width);
            s0 = AesNi.Encrypt(s0, k);
            s1 = AesNi.Encrypt(s1, Unsafe.Add(ref k, 1));
            s2 = AesNi.Encrypt(s2, Unsafe.Add(ref k, 2));
            s3 = AesNi.Encrypt(s3, Unsafe.Add(ref k, 3));
            s4 = AesNi.Encrypt(s4, Unsafe.Add(ref k, 4));
            s5 = AesNi.Encrypt(s5, Unsafe.Add(ref k, 5));
            s6 = AesNi.Encrypt(s6, Unsafe.Add(ref k, 6));
            s7 = AesNi.Encrypt(s7, Unsafe.Add(ref k, 7));
        }

        blocks[0] = s0; blocks[1] = s1; blocks[2] = s2; blocks[3] = s3;
        blocks[4] = s4; blocks[5] = s5; blocks[6] = s6; blocks[7] = s7;
        for (int i = 0; i < Width; i++)
        {
            blocks[i] = AesNi.EncryptLast(blocks[i], roundKeys[(Rounds * Width) + i]);
        }
    }
}
