namespace Omemo.Crypto;

/// <summary>
/// A replacement engine for <see cref="HmacSha256Batch"/>'s MAC computation, e.g. the SHA-NI backend in
/// Omemo.Native. Install it with <see cref="HmacSha256Batch.Backend"/>; the managed engine never needs one.
/// </summary>
/// <remarks>
/// <see cref="HmacSha256Batch"/> validates every argument before calling, so an implementation may assume:
/// <c>offsets.Length == lengths.Length</c> (the lane count N); <c>states</c> has 1 entry (one key for
/// every lane) or N; each lane's range lies inside <c>data</c>; 1 &lt;= macLength &lt;= 32;
/// macLength &lt;= outputStride when N &gt; 1; and <c>output</c> has room for every lane. Results must
/// be byte-identical to HMAC-SHA-256.
/// </remarks>
public interface IHmacSha256BatchBackend
{
    /// <summary>A short name for diagnostics and benchmarks, e.g. <c>"sha-ni"</c>.</summary>
    string Name { get; }

    /// <summary>
    /// For each lane i: writes the first <paramref name="macLength"/> bytes of HMAC-SHA-256 (key state
    /// <c>states[i]</c>, or <c>states[0]</c> when only one is given) over
    /// <c>data[offsets[i] .. offsets[i] + lengths[i])</c> to <c>output[i * outputStride ..]</c>.
    /// </summary>
    /// <param name="states">Precomputed key states: one per lane, or one for all lanes.</param>
    /// <param name="data">The buffer that holds every lane's message.</param>
    /// <param name="offsets">Start of each lane's message in <paramref name="data"/>.</param>
    /// <param name="lengths">Length of each lane's message.</param>
    /// <param name="output">Receives the MACs.</param>
    /// <param name="outputStride">Distance in bytes between consecutive lanes' MACs in <paramref name="output"/>.</param>
    /// <param name="macLength">Bytes of each MAC to write (1 to 32; shorter = truncated, leftmost bytes).</param>
    void ComputeMacs(ReadOnlySpan<HmacSha256KeyState> states, ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets,
        ReadOnlySpan<int> lengths, Span<byte> output, int outputStride, int macLength);
}
