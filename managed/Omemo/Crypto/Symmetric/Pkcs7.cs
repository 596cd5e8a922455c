namespace Omemo.Crypto;

/// <summary>PKCS#7 padding for 16-byte blocks, with a constant-time check on decryption.</summary>
internal static class Pkcs7
{
    internal const int BlockSize = 16;

    /// <summary>Writes <paramref name="tail"/> (0 to 15 bytes) followed by its PKCS#7 padding into the 16-byte <paramref name="block"/>.</summary>
    internal static void PadFinalBlock(ReadOnlySpan<byte> tail, Span<byte> block)
    {
        int padLength = BlockSize - tail.Length;
        tail.CopyTo(block);
        block.Slice(tail.Length, padLength).Fill((byte)padLength);
    }

    /// <summary>
    /// Checks the PKCS#7 padding of the decrypted final <paramref name="block"/> without branching on its
    /// content: every byte is examined, and validity is accumulated with masks. Returns the number of
    /// plaintext bytes in the block (0 to 15) when the padding is valid, or -1 when it is not.
    /// </summary>
    internal static int UnpaddedLength(ReadOnlySpan<byte> block)
    {
        block = block[..BlockSize];
        int pad = block[BlockSize - 1];

        // good = all ones when 1 <= pad <= 16, else 0.
        int good = ~LessThanMask(pad, 1) & ~LessThanMask(BlockSize, pad);

        // Every byte at index >= 16 - pad must equal pad.
        int firstPadIndex = BlockSize - pad;
        int diff = 0;
        for (int i = 0; i < BlockSize; i++)
        {
            int isPadByte = ~LessThanMask(i, firstPadIndex);
            diff |= isPadByte & (block[i] ^ pad);
        }

        good &= IsZeroMask(diff);

        // (16 - pad) when good, -1 otherwise, selected with masks rather than a branch.
        return (good & firstPadIndex) | ~good;
    }

    /// <summary>All ones when <paramref name="a"/> &lt; <paramref name="b"/>, else 0; both must lie in [-2^30, 2^30].</summary>
    private static int LessThanMask(int a, int b) => (a - b) >> 31;

    /// <summary>All ones when <paramref name="x"/> is 0, else 0; <paramref name="x"/> must lie in [0, 2^30].</summary>
    private static int IsZeroMask(int x) => (x - 1) >> 31;
}
