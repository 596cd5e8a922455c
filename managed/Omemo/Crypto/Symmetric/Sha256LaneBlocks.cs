using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Omemo.Crypto;

/// <summary>
/// Moves bytes into and out of the transposed ("word t of lane l at t * width + l") layout the lane vectors load.
/// Every branch here depends on lengths only, never on key or message bytes.
/// </summary>
internal static class Sha256LaneBlocks
{
    /// <summary>Scratch words for one group: 16 words for each of up to 16 lanes.</summary>
    internal const int GroupWords = 16 * Sha256MultiBuffer.MaxWidth;

    /// <summary>Blocks of SHA-256 padding for a message of <paramref name="length"/> bytes (0x80 and the 8-byte length).</summary>
    internal static int BlockCount(int length) => (length + 8) / 64 + 1;

    /// <summary>words[t * width + lane] = big-endian word t of <paramref name="block"/> XOR <paramref name="mask"/>.</summary>
    internal static void Scatter(ReadOnlySpan<byte> block, Span<uint> words, int lane, int width, uint mask = 0)
    {
        _ = block[63];
        for (int t = 0; t < 16; t++)
        {
            words[t * width + lane] = BinaryPrimitives.ReadUInt32BigEndian(block.Slice(4 * t, 4)) ^ mask;
        }
    }

    /// <summary>Zeroes one lane's 16 words (an unused or finished lane).</summary>
    internal static void ClearLane(Span<uint> words, int lane, int width)
    {
        for (int t = 0; t < 16; t++) words[t * width + lane] = 0;
    }

    /// <summary>
    /// Block <paramref name="block"/> of the padded message whose first 64 bytes (the HMAC key block) are already
    /// hashed: message bytes, then 0x80, zeros, and the 64-bit bit length of 64 + message length in the last block.
    /// A lane past its last block gets zeros (its result is discarded by the caller's mask).
    /// </summary>
    internal static void ScatterMessageBlock(ReadOnlySpan<byte> message, int block, Span<uint> words, int lane, int width, Span<byte> scratch)
    {
        int blockCount = BlockCount(message.Length);
        int start = 64 * block;
        if (block >= blockCount)
        {
            ClearLane(words, lane, width);
            return;
        }
        if (start + 64 <= message.Length)
        {
            Scatter(message.Slice(start, 64), words, lane, width);
            return;
        }

        scratch.Clear();
        int tail = message.Length - start; // negative when the 0x80 went into the previous block
        if (tail >= 0)
        {
            message[start..].CopyTo(scratch);
            scratch[tail] = 0x80;
        }
        if (block == blockCount - 1)
        {
            BinaryPrimitives.WriteUInt64BigEndian(scratch[56..], (ulong)(64L + message.Length) * 8);
        }
        Scatter(scratch, words, lane, width);
    }

    /// <summary>The 64-byte HMAC key block K' (the key, or its SHA-256 when longer than a block, zero-padded).</summary>
    internal static void KeyBlock(ReadOnlySpan<byte> key, Span<byte> block)
    {
        block.Clear();
        if (key.Length > 64)
        {
            SHA256.HashData(key, block);
        }
        else
        {
            key.CopyTo(block);
        }
    }

    /// <summary>words[j * width + l] = chaining word j of lane <paramref name="first"/> + l (state 0 when <paramref name="states"/> has one entry).</summary>
    internal static void GatherStates(ReadOnlySpan<HmacSha256KeyState> states, int first, int count, bool outer, Span<uint> words, int width)
    {
        for (int l = 0; l < width; l++)
        {
            if (l >= count)
            {
                for (int j = 0; j < 8; j++) words[j * width + l] = 0;
                continue;
            }
            ref readonly HmacSha256KeyState s = ref states[states.Length == 1 ? 0 : first + l];
            ReadOnlySpan<uint> h = outer ? s.Outer[..] : s.Inner[..];
            for (int j = 0; j < 8; j++) words[j * width + l] = h[j];
        }
    }

    /// <summary>vectors[i] = lanes of words[i * width ..] for i below vectors.Length.</summary>
    internal static void Load<TOps, TVec>(Span<uint> words, Span<TVec> vectors)
        where TOps : ISha256Lanes<TVec>
        where TVec : unmanaged
    {
        ref uint start = ref MemoryMarshal.GetReference(words);
        _ = words[vectors.Length * TOps.Width - 1];
        for (int i = 0; i < vectors.Length; i++) vectors[i] = TOps.Load(ref Unsafe.Add(ref start, i * TOps.Width));
    }

    /// <summary>words[i * width ..] = lanes of vectors[i].</summary>
    internal static void Store<TOps, TVec>(ReadOnlySpan<TVec> vectors, Span<uint> words)
        where TOps : ISha256Lanes<TVec>
        where TVec : unmanaged
    {
        ref uint start = ref MemoryMarshal.GetReference(words);
        _ = words[vectors.Length * TOps.Width - 1];
        for (int i = 0; i < vectors.Length; i++) TOps.Store(vectors[i], ref Unsafe.Add(ref start, i * TOps.Width));
    }

    /// <summary>Wipes the group scratch (key and message material).</summary>
    internal static void Wipe<TVec>(Span<uint> words, Span<TVec> vectors, Span<byte> bytes)
        where TVec : unmanaged
    {
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(words));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(vectors));
        CryptographicOperations.ZeroMemory(bytes);
    }
}
