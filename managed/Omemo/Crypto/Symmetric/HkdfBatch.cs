using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Omemo.Crypto;

/// <summary>
/// HKDF-SHA-256 (RFC 5869) for many input keys at once with one salt, one info and one output length, on top of
/// <see cref="HmacSha256Batch"/>: the salt's HMAC key state is computed once (or passed in precomputed), each
/// lane's PRK key state once, and every HMAC runs across lanes. OMEMO derives its per-message keys this way
/// (salt = 32 zero bytes, info "OMEMO Message Key Material", 80 bytes).
/// </summary>
/// <remarks>
/// Byte-identical to <see cref="HKDF.DeriveKey(HashAlgorithmName, ReadOnlySpan{byte}, Span{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
/// for every lane. No allocation (an info longer than about 30 bytes uses a pooled buffer, wiped before it is
/// returned); PRKs and other scratch are wiped.
/// </remarks>
public static class HkdfBatch
{
    /// <summary>The largest output per lane RFC 5869 allows for SHA-256: 255 * 32 = 8160 bytes.</summary>
    public const int MaxOutputLength = 255 * HmacSha256Batch.MacSize;

    private const int Chunk = 64;
    private const int StackMessageBytes = 4096;

    /// <summary>
    /// Precomputes the HMAC key state of an HKDF salt, for <see cref="DeriveKeys(in HmacSha256KeyState, ReadOnlySpan{byte}, int, ReadOnlySpan{byte}, Span{byte}, int)"/>.
    /// An empty salt gives the same state as 32 zero bytes, as RFC 5869 requires.
    /// </summary>
    /// <param name="salt">The salt, of any length.</param>
    /// <returns>The salt's key state.</returns>
    public static HmacSha256KeyState PrecomputeSalt(ReadOnlySpan<byte> salt)
    {
        HmacSha256KeyState state = default;
        HmacSha256Batch.PrecomputeKeys(salt, salt.Length, new Span<HmacSha256KeyState>(ref state));
        return state;
    }

    /// <summary>
    /// Derives <paramref name="outputLength"/> bytes per lane: lane i is
    /// HKDF(ikm_i, <paramref name="salt"/>, <paramref name="info"/>, L), written to <c>output[i * L ..]</c>.
    /// </summary>
    /// <param name="salt">The salt (empty means 32 zero bytes).</param>
    /// <param name="inputKeyMaterials">N input keys back to back, <paramref name="ikmLength"/> bytes each.</param>
    /// <param name="ikmLength">The length of every input key.</param>
    /// <param name="info">The context information, the same for every lane.</param>
    /// <param name="output">Exactly N * <paramref name="outputLength"/> bytes; N is <c>output.Length / outputLength</c>. Must not overlap the inputs.</param>
    /// <param name="outputLength">L, 1 to <see cref="MaxOutputLength"/>.</param>
    /// <exception cref="ArgumentException">A length is out of range or inconsistent, or the output overlaps an input.</exception>
    public static void DeriveKeys(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> inputKeyMaterials, int ikmLength,
        ReadOnlySpan<byte> info, Span<byte> output, int outputLength)
    {
        HmacSha256KeyState state = PrecomputeSalt(salt);
        try
        {
            DeriveKeys(state, inputKeyMaterials, ikmLength, info, output, outputLength);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(new Span<HmacSha256KeyState>(ref state)));
        }
    }

    /// <summary>
    /// Derives <paramref name="outputLength"/> bytes per lane with a precomputed salt state (see <see cref="PrecomputeSalt"/>):
    /// lane i is HKDF(ikm_i, salt, <paramref name="info"/>, L), written to <c>output[i * L ..]</c>.
    /// </summary>
    /// <param name="salt">The salt's key state, from <see cref="PrecomputeSalt"/>.</param>
    /// <param name="inputKeyMaterials">N input keys back to back, <paramref name="ikmLength"/> bytes each.</param>
    /// <param name="ikmLength">The length of every input key.</param>
    /// <param name="info">The context information, the same for every lane.</param>
    /// <param name="output">Exactly N * <paramref name="outputLength"/> bytes; N is <c>output.Length / outputLength</c>. Must not overlap the inputs.</param>
    /// <param name="outputLength">L, 1 to <see cref="MaxOutputLength"/>.</param>
    /// <exception cref="ArgumentException">A length is out of range or inconsistent, or the output overlaps an input.</exception>
    public static void DeriveKeys(in HmacSha256KeyState salt, ReadOnlySpan<byte> inputKeyMaterials, int ikmLength,
        ReadOnlySpan<byte> info, Span<byte> output, int outputLength)
    {
        if (outputLength is < 1 or > MaxOutputLength)
            throw new ArgumentOutOfRangeException(nameof(outputLength), $"HKDF-SHA-256 output must be 1 to {MaxOutputLength} bytes per lane.");
        ArgumentOutOfRangeException.ThrowIfNegative(ikmLength);
        if (output.Length % outputLength != 0)
            throw new ArgumentException("The output must be N * outputLength bytes.", nameof(output));
        int count = output.Length / outputLength;
        if ((long)count * ikmLength != inputKeyMaterials.Length)
            throw new ArgumentException($"Expected {count} input keys of {ikmLength} bytes.", nameof(inputKeyMaterials));
        if (output.Overlaps(inputKeyMaterials) || output.Overlaps(info))
            throw new ArgumentException("The output must not overlap an input.", nameof(output));
        if (info.Length > int.MaxValue / Chunk - 64)
            throw new ArgumentException("The info is too long.", nameof(info));

        int laneBytes = HmacSha256Batch.MacSize + info.Length + 1; // T(k-1) || info || k
        byte[]? rented = laneBytes * Chunk > StackMessageBytes ? ArrayPool<byte>.Shared.Rent(laneBytes * Chunk) : null;
        Span<byte> messages = rented is null ? stackalloc byte[StackMessageBytes] : rented;
        Span<byte> prks = stackalloc byte[Chunk * HmacSha256Batch.MacSize];
        Span<HmacSha256KeyState> prkStates = stackalloc HmacSha256KeyState[Chunk];
        ReadOnlySpan<HmacSha256KeyState> saltState = new(in salt);
        try
        {
            for (int first = 0; first < count; first += Chunk)
            {
                int n = Math.Min(Chunk, count - first);
                var ikms = Sha256LaneRanges.Uniform(inputKeyMaterials.Slice(first * ikmLength, n * ikmLength), ikmLength, ikmLength);
                HmacSha256Batch.Compute(saltState, ikms, n, prks, HmacSha256Batch.MacSize, HmacSha256Batch.MacSize);
                HmacSha256Batch.Precompute(Sha256LaneRanges.Uniform(prks, HmacSha256Batch.MacSize, HmacSha256Batch.MacSize), prkStates[..n]);
                Expand(prkStates[..n], info, messages[..(n * laneBytes)], laneBytes, output.Slice(first * outputLength, n * outputLength), outputLength);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(messages);
            CryptographicOperations.ZeroMemory(prks);
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(prkStates));
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // HKDF-Expand for one chunk: T(k) = HMAC(PRK, T(k-1) || info || k), every lane side by side; each lane's
    // message buffer keeps info in place and only T(k-1) and k change between rounds.
    private static void Expand(ReadOnlySpan<HmacSha256KeyState> prkStates, ReadOnlySpan<byte> info, Span<byte> messages,
        int laneBytes, Span<byte> output, int outputLength)
    {
        const int T = HmacSha256Batch.MacSize;
        int n = prkStates.Length;
        for (int l = 0; l < n; l++) info.CopyTo(messages.Slice(l * laneBytes + T));

        int rounds = (outputLength + T - 1) / T;
        for (int k = 1; k <= rounds; k++)
        {
            int done = (k - 1) * T;
            for (int l = 0; l < n; l++)
            {
                Span<byte> lane = messages.Slice(l * laneBytes, laneBytes);
                lane[^1] = (byte)k;
                if (k > 1) output.Slice(l * outputLength + done - T, T).CopyTo(lane);
            }

            // T(1) has no previous block: its message starts after the T slot.
            var ranges = k == 1
                ? Sha256LaneRanges.Uniform(messages[T..], laneBytes, laneBytes - T)
                : Sha256LaneRanges.Uniform(messages, laneBytes, laneBytes);
            HmacSha256Batch.Compute(prkStates, ranges, n, output[done..], outputLength, Math.Min(T, outputLength - done));
        }
    }
}
