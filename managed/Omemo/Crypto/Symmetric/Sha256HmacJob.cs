using System.Buffers.Binary;

namespace Omemo.Crypto;

/// <summary>
/// HMAC-SHA-256 from precomputed key states for one group of lanes: the inner hash continues from each lane's
/// inner state over its message (lanes may need different numbers of blocks), the outer hash takes the inner
/// digests straight from the registers (no byte round trip) and one padding block.
/// </summary>
internal ref struct Sha256HmacJob : ISha256GroupJob
{
    private const uint OuterBitLength = (64 + 32) * 8;

    private readonly ReadOnlySpan<HmacSha256KeyState> _states;
    private readonly Sha256LaneRanges _messages;
    private readonly Span<byte> _output;
    private readonly int _stride;
    private readonly int _macLength;

    /// <summary>Lane i's MAC (first <paramref name="macLength"/> bytes) goes to output[i * stride ..].</summary>
    internal Sha256HmacJob(ReadOnlySpan<HmacSha256KeyState> states, Sha256LaneRanges messages, Span<byte> output, int stride, int macLength)
    {
        _states = states;
        _messages = messages;
        _output = output;
        _stride = stride;
        _macLength = macLength;
    }

    public readonly void Run<TOps, TVec>(int first, int count)
        where TOps : ISha256Lanes<TVec>
        where TVec : unmanaged
    {
        int width = TOps.Width;
        Span<uint> words = stackalloc uint[Sha256LaneBlocks.GroupWords];
        Span<TVec> vectors = stackalloc TVec[32];
        Span<byte> scratch = stackalloc byte[64];
        Span<TVec> state = vectors[..8], saved = vectors[8..16], schedule = vectors[16..];
        try
        {
            int minBlocks = int.MaxValue, maxBlocks = 0;
            for (int l = 0; l < count; l++)
            {
                int blocks = Sha256LaneBlocks.BlockCount(_messages.Length(first + l));
                minBlocks = Math.Min(minBlocks, blocks);
                maxBlocks = Math.Max(maxBlocks, blocks);
            }

            Sha256LaneBlocks.GatherStates(_states, first, count, outer: false, words, width);
            Sha256LaneBlocks.Load<TOps, TVec>(words, state);
            for (int b = 0; b < maxBlocks; b++)
            {
                for (int l = 0; l < width; l++)
                {
                    if (l < count) Sha256LaneBlocks.ScatterMessageBlock(_messages[first + l], b, words, l, width, scratch);
                    else Sha256LaneBlocks.ClearLane(words, l, width);
                }
                Sha256LaneBlocks.Load<TOps, TVec>(words, schedule);
                if (b < minBlocks)
                {
                    Sha256Compress.Compress<TOps, TVec>(state, schedule);
                    continue;
                }

                // Some lanes are done: keep their state (lengths are public, so this mask is not secret).
                state.CopyTo(saved);
                Sha256Compress.Compress<TOps, TVec>(state, schedule);
                for (int l = 0; l < width; l++)
                {
                    words[l] = l < count && b < Sha256LaneBlocks.BlockCount(_messages.Length(first + l)) ? uint.MaxValue : 0;
                }
                TVec active = TOps.Load(ref words[0]);
                for (int j = 0; j < 8; j++) state[j] = TOps.Select(active, state[j], saved[j]);
            }

            // Outer: H(opad state, inner digest || 0x80 || zeros || bit length 768).
            state.CopyTo(schedule);
            schedule[8] = TOps.Broadcast(0x80000000);
            for (int t = 9; t < 15; t++) schedule[t] = TOps.Broadcast(0);
            schedule[15] = TOps.Broadcast(OuterBitLength);
            Sha256LaneBlocks.GatherStates(_states, first, count, outer: true, words, width);
            Sha256LaneBlocks.Load<TOps, TVec>(words, state);
            Sha256Compress.Compress<TOps, TVec>(state, schedule);

            Sha256LaneBlocks.Store<TOps, TVec>(state, words);
            for (int l = 0; l < count; l++)
            {
                for (int j = 0; j < 8; j++) BinaryPrimitives.WriteUInt32BigEndian(scratch.Slice(4 * j, 4), words[j * width + l]);
                scratch[.._macLength].CopyTo(_output.Slice((first + l) * _stride, _macLength));
            }
        }
        finally
        {
            Sha256LaneBlocks.Wipe(words, vectors, scratch);
        }
    }
}
