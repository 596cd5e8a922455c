namespace Omemo.Crypto;

/// <summary>
/// HMAC key precomputation for one group of lanes: SHA-256 of K' ^ ipad and of K' ^ opad from H(0), one
/// compression each, all lanes side by side.
/// </summary>
internal ref struct Sha256KeyJob : ISha256GroupJob
{
    private const uint InnerPad = 0x36363636;
    private const uint OuterPad = 0x5c5c5c5c;

    private readonly Sha256LaneRanges _keys;
    private readonly Span<HmacSha256KeyState> _states;

    internal Sha256KeyJob(Sha256LaneRanges keys, Span<HmacSha256KeyState> states)
    {
        _keys = keys;
        _states = states;
    }

    public readonly void Run<TOps, TVec>(int first, int count)
        where TOps : ISha256Lanes<TVec>
        where TVec : unmanaged
    {
        int width = TOps.Width;
        Span<uint> keyWords = stackalloc uint[Sha256LaneBlocks.GroupWords];
        Span<uint> words = stackalloc uint[Sha256LaneBlocks.GroupWords];
        Span<TVec> vectors = stackalloc TVec[24];
        Span<byte> block = stackalloc byte[64];
        Span<TVec> state = vectors[..8], schedule = vectors[8..];
        try
        {
            for (int l = 0; l < width; l++)
            {
                if (l < count)
                {
                    Sha256LaneBlocks.KeyBlock(_keys[first + l], block);
                    Sha256LaneBlocks.Scatter(block, keyWords, l, width);
                }
                else
                {
                    Sha256LaneBlocks.ClearLane(keyWords, l, width);
                }
            }

            Pad<TOps, TVec>(keyWords, words, InnerPad, state, schedule, first, count, outer: false);
            Pad<TOps, TVec>(keyWords, words, OuterPad, state, schedule, first, count, outer: true);
        }
        finally
        {
            Sha256LaneBlocks.Wipe(words, vectors, block);
            Sha256LaneBlocks.Wipe(keyWords, Span<TVec>.Empty, Span<byte>.Empty);
        }
    }

    // One compression of (K' ^ pad) from H(0); the chaining words go to the lanes' inner or outer state.
    private readonly void Pad<TOps, TVec>(Span<uint> keyWords, Span<uint> words, uint pad, Span<TVec> state, Span<TVec> schedule,
        int first, int count, bool outer)
        where TOps : ISha256Lanes<TVec>
        where TVec : unmanaged
    {
        int width = TOps.Width;
        for (int i = 0; i < 16 * width; i++) words[i] = keyWords[i] ^ pad;
        Sha256LaneBlocks.Load<TOps, TVec>(words, schedule);
        for (int j = 0; j < 8; j++) state[j] = TOps.Broadcast(Sha256Compress.InitialState[j]);
        Sha256Compress.Compress<TOps, TVec>(state, schedule);
        Sha256LaneBlocks.Store<TOps, TVec>(state, words);
        for (int l = 0; l < count; l++)
        {
            ref HmacSha256KeyState s = ref _states[first + l];
            Span<uint> h = outer ? s.Outer[..] : s.Inner[..];
            for (int j = 0; j < 8; j++) h[j] = words[j * width + l];
        }
    }
}
