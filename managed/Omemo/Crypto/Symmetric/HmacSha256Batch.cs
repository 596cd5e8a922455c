using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace Omemo.Crypto;

/// <summary>
/// HMAC-SHA-256 for many independent (key, message) lanes at once: multi-buffer SHA-256 that hashes 16 lanes per
/// AVX-512 register or 8 per AVX2 register (chosen at run time, scalar code otherwise), with the keys' ipad/opad
/// blocks hashed once into <see cref="HmacSha256KeyState"/>s. Made for OMEMO's fan-out to many devices: KDF_CK,
/// HKDF (<see cref="HkdfBatch"/>) and the message MAC for every recipient.
/// </summary>
/// <remarks>
/// <para>
/// Results are byte-identical to <see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>
/// lane by lane. Nothing allocates; scratch lives on the stack and is wiped with
/// <see cref="CryptographicOperations.ZeroMemory(Span{byte})"/>. Branches depend on lane counts and lengths only,
/// never on key or message bytes. Thread-safe. Size and range errors are programming errors and throw
/// <see cref="ArgumentException"/> before anything is written.
/// </para>
/// <para>
/// Messages are given as one flat buffer plus where each lane's bytes are (explicit offsets, or lane i at
/// <c>i * stride</c>), so lanes may have different lengths. MACs are written lane after lane, <c>macLength</c>
/// bytes each (1 to 32; shorter = the leftmost bytes, i.e. a truncated tag).
/// </para>
/// </remarks>
public static class HmacSha256Batch
{
    /// <summary>The length in bytes of a full HMAC-SHA-256 tag.</summary>
    public const int MacSize = 32;

    // Work on at most this many lanes per stack buffer (4 KiB of key states) in the composite operations.
    private const int Chunk = 64;

    /// <summary>
    /// An optional replacement for the managed MAC computation (e.g. Omemo.Native's SHA-NI backend); null (the
    /// default) uses the managed multi-buffer code. Key precomputation always stays managed. Set it once at start-up.
    /// </summary>
    public static IHmacSha256BatchBackend? Backend { get; set; }

    /// <summary>How many lanes the managed code hashes per instruction on this CPU: 16 (AVX-512F), 8 (AVX2) or 1.</summary>
    public static int LaneWidth => Avx512F.IsSupported ? 16 : Avx2.IsSupported ? 8 : 1;

    /// <summary>Precomputes the key states of <c>states.Length</c> keys stored back to back, <paramref name="keyLength"/> bytes each.</summary>
    /// <param name="keys">The keys, key i at bytes [i * keyLength, (i + 1) * keyLength).</param>
    /// <param name="keyLength">The length of every key (any length; keys over 64 bytes are hashed first, per RFC 2104).</param>
    /// <param name="states">Receives one state per key.</param>
    /// <exception cref="ArgumentException"><paramref name="keys"/> does not hold <c>states.Length</c> keys.</exception>
    public static void PrecomputeKeys(ReadOnlySpan<byte> keys, int keyLength, Span<HmacSha256KeyState> states) =>
        PrecomputeKeys(keys, keyLength, keyLength, states);

    /// <summary>
    /// Precomputes the key states of <c>states.Length</c> keys of <paramref name="keyLength"/> bytes, key i at
    /// <c>keys[i * keyStride ..]</c> (e.g. the auth key inside each lane's 80-byte key material).
    /// </summary>
    /// <param name="keys">The buffer holding the keys.</param>
    /// <param name="keyStride">Distance in bytes between consecutive keys.</param>
    /// <param name="keyLength">The length of every key.</param>
    /// <param name="states">Receives one state per key.</param>
    /// <exception cref="ArgumentException">A key lies outside <paramref name="keys"/>, or a size is negative.</exception>
    public static void PrecomputeKeys(ReadOnlySpan<byte> keys, int keyStride, int keyLength, Span<HmacSha256KeyState> states)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keyLength);
        Precompute(Sha256LaneRanges.Uniform(keys, keyStride, keyLength), states);
    }

    /// <summary>Precomputes the key states of keys of different lengths: key i is <c>keys[offsets[i] .. offsets[i] + lengths[i])</c>.</summary>
    /// <param name="keys">The buffer holding the keys.</param>
    /// <param name="offsets">Start of each key; as many as <paramref name="states"/>.</param>
    /// <param name="lengths">Length of each key; as many as <paramref name="states"/>.</param>
    /// <param name="states">Receives one state per key.</param>
    /// <exception cref="ArgumentException">The counts differ, or a key lies outside <paramref name="keys"/>.</exception>
    public static void PrecomputeKeys(ReadOnlySpan<byte> keys, ReadOnlySpan<int> offsets, ReadOnlySpan<int> lengths, Span<HmacSha256KeyState> states) =>
        Precompute(Sha256LaneRanges.Explicit(keys, offsets, lengths), states);

    /// <summary>
    /// Computes one MAC per lane: lane i is HMAC(key <c>states[i]</c>, <c>data[offsets[i] .. offsets[i] + lengths[i])</c>),
    /// written to <c>macs[i * macLength ..]</c>.
    /// </summary>
    /// <param name="states">One key state per lane, or a single one used for every lane.</param>
    /// <param name="data">The buffer holding the messages.</param>
    /// <param name="offsets">Start of each lane's message; one per lane.</param>
    /// <param name="lengths">Length of each lane's message; one per lane (the lane count N).</param>
    /// <param name="macs">Receives N * <paramref name="macLength"/> bytes.</param>
    /// <param name="macLength">Bytes per MAC, 1 to <see cref="MacSize"/> (shorter = truncated).</param>
    /// <exception cref="ArgumentException">A size, count or range is inconsistent.</exception>
    public static void ComputeMacs(ReadOnlySpan<HmacSha256KeyState> states, ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets,
        ReadOnlySpan<int> lengths, Span<byte> macs, int macLength) =>
        Compute(states, Sha256LaneRanges.Explicit(data, offsets, lengths), lengths.Length, macs, macLength, macLength);

    /// <summary>
    /// Computes one MAC per lane over messages at a fixed distance: lane i is HMAC(key <c>states[i]</c>,
    /// <c>data[i * stride .. i * stride + lengths[i])</c>), written to <c>macs[i * macLength ..]</c>.
    /// </summary>
    /// <param name="states">One key state per lane, or a single one used for every lane.</param>
    /// <param name="data">The buffer holding the messages.</param>
    /// <param name="stride">Distance in bytes between the starts of consecutive messages (0: every lane reads the same bytes).</param>
    /// <param name="lengths">Length of each lane's message; one per lane (the lane count N).</param>
    /// <param name="macs">Receives N * <paramref name="macLength"/> bytes.</param>
    /// <param name="macLength">Bytes per MAC, 1 to <see cref="MacSize"/>.</param>
    /// <exception cref="ArgumentException">A size, count or range is inconsistent.</exception>
    public static void ComputeMacs(ReadOnlySpan<HmacSha256KeyState> states, ReadOnlySpan<byte> data, int stride,
        ReadOnlySpan<int> lengths, Span<byte> macs, int macLength) =>
        Compute(states, Sha256LaneRanges.Strided(data, stride, lengths), lengths.Length, macs, macLength, macLength);

    /// <summary>MACs of one message under every key: lane i is HMAC(key <c>states[i]</c>, <paramref name="message"/>), at <c>macs[i * macLength ..]</c>.</summary>
    /// <param name="states">One key state per lane.</param>
    /// <param name="message">The message every lane authenticates.</param>
    /// <param name="macs">Receives <c>states.Length</c> * <paramref name="macLength"/> bytes.</param>
    /// <param name="macLength">Bytes per MAC, 1 to <see cref="MacSize"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="macs"/> is too short or <paramref name="macLength"/> is out of range.</exception>
    public static void ComputeSameMessage(ReadOnlySpan<HmacSha256KeyState> states, ReadOnlySpan<byte> message, Span<byte> macs, int macLength) =>
        Compute(states, Sha256LaneRanges.Uniform(message, 0, message.Length), states.Length, macs, macLength, macLength);

    /// <summary>
    /// The Double Ratchet's KDF_CK for N chain keys of 32 bytes: message key i = HMAC(ck_i, 0x01) and next chain
    /// key i = HMAC(ck_i, 0x02), both from one key-state computation per chain key.
    /// </summary>
    /// <param name="chainKeys">N * 32 bytes.</param>
    /// <param name="messageKeys">Receives N * 32 bytes.</param>
    /// <param name="nextChainKeys">Receives N * 32 bytes; may be the very same memory as <paramref name="chainKeys"/> (in-place ratchet step).</param>
    /// <exception cref="ArgumentException">A length is not N * 32, or outputs overlap other than exactly as allowed.</exception>
    public static void DeriveChainKeys(ReadOnlySpan<byte> chainKeys, Span<byte> messageKeys, Span<byte> nextChainKeys)
    {
        if (chainKeys.Length % MacSize != 0) throw new ArgumentException("Chain keys are 32 bytes each.", nameof(chainKeys));
        int count = chainKeys.Length / MacSize;
        CheckOutput(messageKeys, count, MacSize, MacSize, nameof(messageKeys));
        CheckOutput(nextChainKeys, count, MacSize, MacSize, nameof(nextChainKeys));
        ReadOnlySpan<byte> next = nextChainKeys[..chainKeys.Length], message = messageKeys[..chainKeys.Length];
        if (message.Overlaps(chainKeys) || message.Overlaps(next) || (next.Overlaps(chainKeys, out int at) && at != 0))
            throw new ArgumentException("The outputs may not overlap the chain keys (except next chain keys in place).", nameof(nextChainKeys));

        Span<HmacSha256KeyState> states = stackalloc HmacSha256KeyState[Chunk];
        try
        {
            for (int first = 0; first < count; first += Chunk)
            {
                int n = Math.Min(Chunk, count - first);
                Span<HmacSha256KeyState> chunk = states[..n];
                int bytes = n * MacSize, start = first * MacSize;
                Precompute(Sha256LaneRanges.Uniform(chainKeys.Slice(start, bytes), MacSize, MacSize), chunk);
                ComputeSameMessage(chunk, [0x01], messageKeys.Slice(start, bytes), MacSize);
                ComputeSameMessage(chunk, [0x02], nextChainKeys.Slice(start, bytes), MacSize);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(states));
        }
    }

    /// <summary>Key precomputation over validated-on-entry ranges (always managed).</summary>
    internal static void Precompute(Sha256LaneRanges keys, Span<HmacSha256KeyState> states)
    {
        keys.Validate(states.Length, "keys");
        var job = new Sha256KeyJob(keys, states);
        Sha256MultiBuffer.ForEachGroup(ref job, states.Length);
    }

    /// <summary>The MAC of each lane to output[i * stride ..], through <see cref="Backend"/> when one is installed.</summary>
    internal static void Compute(ReadOnlySpan<HmacSha256KeyState> states, Sha256LaneRanges messages, int count,
        Span<byte> output, int stride, int macLength)
    {
        if (states.Length != count && states.Length != 1)
            throw new ArgumentException($"Expected {count} key states (one per lane) or a single one.", nameof(states));
        messages.Validate(count, "data");
        CheckOutput(output, count, stride, macLength, "macs");
        if (count == 0) return;

        IHmacSha256BatchBackend? backend = Backend;
        if (backend is null)
        {
            var job = new Sha256HmacJob(states, messages, output, stride, macLength);
            Sha256MultiBuffer.ForEachGroup(ref job, count);
        }
        else if (messages.IsExplicit)
        {
            backend.ComputeMacs(states, messages.Data, messages.Offsets, messages.Lengths, output, stride, macLength);
        }
        else
        {
            ComputeWithBackend(backend, states, messages, count, output, stride, macLength);
        }
    }

    // A backend takes explicit offsets and lengths: spell them out, one chunk of lanes at a time.
    private static void ComputeWithBackend(IHmacSha256BatchBackend backend, ReadOnlySpan<HmacSha256KeyState> states,
        Sha256LaneRanges messages, int count, Span<byte> output, int stride, int macLength)
    {
        Span<int> offsets = stackalloc int[Chunk];
        Span<int> lengths = stackalloc int[Chunk];
        for (int first = 0; first < count; first += Chunk)
        {
            int n = Math.Min(Chunk, count - first);
            for (int i = 0; i < n; i++)
            {
                offsets[i] = messages.Offset(first + i);
                lengths[i] = messages.Length(first + i);
            }
            ReadOnlySpan<HmacSha256KeyState> chunkStates = states.Length == 1 ? states : states.Slice(first, n);
            backend.ComputeMacs(chunkStates, messages.Data, offsets[..n], lengths[..n], output[(first * stride)..], stride, macLength);
        }
    }

    private static void CheckOutput(Span<byte> output, int count, int stride, int macLength, string paramName)
    {
        if (macLength is < 1 or > MacSize)
            throw new ArgumentOutOfRangeException(nameof(macLength), $"An HMAC-SHA-256 tag is 1 to {MacSize} bytes long.");
        if (count > 1 && stride < macLength)
            throw new ArgumentException("Lanes' outputs would overlap.", paramName);
        if (count > 0 && (long)(count - 1) * stride + macLength > output.Length)
            throw new ArgumentException($"The output needs room for {count} lanes.", paramName);
    }
}
