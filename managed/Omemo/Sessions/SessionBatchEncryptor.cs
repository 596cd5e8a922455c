using Omemo.Ratchet;

namespace Omemo.Sessions;

/// <summary>
/// Encrypts one message's key material for many established sessions in one call (the fan-out of a group message):
/// every lane's KDF, AES and MAC run as multi-lane SIMD batches, the headers are written straight into a
/// caller-owned buffer, and nothing is allocated per recipient. Large batches are spread over the cores. All lanes
/// are computed before any session advances, so a failure leaves every session as it was. Each lane's result is
/// byte-identical to <see cref="OmemoSession.Encrypt"/> on that session. An instance owns scratch buffers; reuse it
/// (it is not thread-safe, and the sessions must not be used elsewhere during a call).
/// </summary>
public sealed class SessionBatchEncryptor : IDisposable
{
    /// <summary>Lanes computed per batch step (a multiple of every SIMD lane group).</summary>
    public const int ChunkSize = RatchetBatchEncryptor<OmemoTwoProfile>.ChunkSize;

    /// <summary>
    /// From this many sessions on, chunks are spread over the worker threads. Below it, handing work to a second
    /// thread cost more than it saved on the 2-vCPU machine this was measured on (1,000 lanes: 1.02 µs per lane on one
    /// thread, 1.2 µs on two; 10,000 lanes: 0.70 µs on two).
    /// </summary>
    public const int ParallelThreshold = RatchetBatchEncryptor<OmemoTwoProfile>.ParallelThreshold;

    private readonly RatchetBatchEncryptor<OmemoTwoProfile> _core;

    /// <summary>Creates an encryptor for key material of up to <paramref name="maxKeyMaterialSize"/> bytes (OMEMO 2: 48).</summary>
    /// <param name="maxKeyMaterialSize">The longest key material to encrypt.</param>
    /// <param name="maxDegreeOfParallelism">Worker threads for large batches; 1 keeps everything on the calling thread. Default: the core count.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or the degree of parallelism is out of range.</exception>
    public SessionBatchEncryptor(int maxKeyMaterialSize = OmemoPayload.KeyMaterialSize, int maxDegreeOfParallelism = 0)
        => _core = new(maxKeyMaterialSize, maxDegreeOfParallelism);

    /// <summary>
    /// The bytes reserved per lane in the output of <see cref="Encrypt"/> for key material of
    /// <paramref name="keyMaterialLength"/> bytes: the largest <c>OMEMOKeyExchange</c> it can produce.
    /// </summary>
    public static int GetOutputStride(int keyMaterialLength) => RatchetBatchEncryptor<OmemoTwoProfile>.GetOutputStride(keyMaterialLength);

    /// <summary>
    /// Encrypts <paramref name="keyMaterial"/> for every session. Lane <c>i</c>'s bytes (an <c>OMEMOKeyExchange</c>
    /// while the session's key exchange is pending, otherwise an <c>OMEMOAuthenticatedMessage</c>) are written to
    /// <c>output[i * stride ..]</c>, <c>lengths[i]</c> bytes long, with stride = <see cref="GetOutputStride"/>.
    /// Every session advances by one message only after all lanes were computed.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A session is null or appears twice (it would reuse a message key), the key material is longer than this
    /// encryptor's maximum, or a buffer is too small.
    /// </exception>
    /// <exception cref="InvalidOperationException">A session's sending chain is exhausted (nothing was changed).</exception>
    /// <exception cref="ObjectDisposedException">This encryptor or a session was disposed.</exception>
    public void Encrypt(ReadOnlySpan<OmemoSession> sessions, ReadOnlySpan<byte> keyMaterial, Span<byte> output, Span<int> lengths)
        => _core.Encrypt(sessions, static s => s.Core, keyMaterial, output, lengths);

    /// <summary>Wipes the scratch buffers; further calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _core.Dispose();
}
