using System.Security.Cryptography;
using Omemo.Crypto;
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
    public const int ChunkSize = 64;

    /// <summary>
    /// From this many sessions on, chunks are spread over the worker threads. Below it, handing work to a second
    /// thread cost more than it saved on the 2-vCPU machine this was measured on (1,000 lanes: 1.02 µs per lane on one
    /// thread, 1.2 µs on two; 10,000 lanes: 0.70 µs on two).
    /// </summary>
    public const int ParallelThreshold = 2048;

    private const int K = RatchetKdf.KeySize;

    private readonly int _maxKeyMaterial;
    private readonly BatchEncryptionWorker[] _workers;
    private OmemoSession[] _sessions = [];     // the lanes of the running call (worker threads cannot capture spans)
    private byte[] _nextChainKeys = [];         // staged for every lane of the call
    private static long s_lastCallStamp;
    private bool _disposed;

    /// <summary>Creates an encryptor for key material of up to <paramref name="maxKeyMaterialSize"/> bytes (OMEMO 2: 48).</summary>
    /// <param name="maxKeyMaterialSize">The longest key material to encrypt.</param>
    /// <param name="maxDegreeOfParallelism">Worker threads for large batches; 1 keeps everything on the calling thread. Default: the core count.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or the degree of parallelism is out of range.</exception>
    public SessionBatchEncryptor(int maxKeyMaterialSize = OmemoPayload.KeyMaterialSize, int maxDegreeOfParallelism = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeyMaterialSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxKeyMaterialSize, OmemoSession.MaxKeyMaterialSize);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDegreeOfParallelism);
        _maxKeyMaterial = maxKeyMaterialSize;
        int workers = maxDegreeOfParallelism == 0 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        _workers = [.. Enumerable.Range(0, Math.Clamp(workers, 1, 64)).Select(_ => new BatchEncryptionWorker(maxKeyMaterialSize))];
    }

    /// <summary>
    /// The bytes reserved per lane in the output of <see cref="Encrypt"/> for key material of
    /// <paramref name="keyMaterialLength"/> bytes: the largest <c>OMEMOKeyExchange</c> it can produce.
    /// </summary>
    public static int GetOutputStride(int keyMaterialLength)
    {
        int message = Wire.WireWriter.OmemoMessageSize(uint.MaxValue, uint.MaxValue, AesCbc.GetCiphertextLength(keyMaterialLength));
        return Wire.WireWriter.KeyExchangeSize(uint.MaxValue, uint.MaxValue, Wire.WireWriter.AuthenticatedMessageSize(message));
    }

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
    public unsafe void Encrypt(ReadOnlySpan<OmemoSession> sessions, ReadOnlySpan<byte> keyMaterial, Span<byte> output, Span<int> lengths)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (keyMaterial.Length > _maxKeyMaterial)
            throw new ArgumentException($"This encryptor takes at most {_maxKeyMaterial} bytes of key material.", nameof(keyMaterial));
        int count = sessions.Length, stride = GetOutputStride(keyMaterial.Length);
        if (output.Length < count * stride) throw new ArgumentException("The output holds fewer than sessions x stride bytes.", nameof(output));
        if (lengths.Length < count) throw new ArgumentException("Fewer lengths than sessions.", nameof(lengths));
        CheckSessions(sessions);
        if (_nextChainKeys.Length < count * K) _nextChainKeys = GC.AllocateUninitializedArray<byte>(count * K, pinned: true);
        if (_sessions.Length < count) _sessions = new OmemoSession[count];
        sessions.CopyTo(_sessions);
        try
        {
            int chunks = (count + ChunkSize - 1) / ChunkSize;
            int workers = count < ParallelThreshold ? 1 : Math.Min(_workers.Length, chunks);
            fixed (byte* outputPointer = output, keyPointer = keyMaterial)
            fixed (int* lengthPointer = lengths)
            {
                var call = new ChunkCall(this, (nint)outputPointer, output.Length, (nint)keyPointer, keyMaterial.Length, (nint)lengthPointer, count, stride);
                if (workers == 1) call.RunWorker(0, 1, chunks);
                else Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w => call.RunWorker(w, workers, chunks));
            }
            for (int i = 0; i < count; i++) sessions[i].Ratchet.CommitSendingStep(_nextChainKeys.AsSpan(i * K, K));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_nextChainKeys);
            Array.Clear(_sessions);
            foreach (var worker in _workers) worker.Wipe();
        }
    }

    /// <summary>One call's buffers as pinned addresses, so worker threads can rebuild the spans (a lambda cannot capture them).</summary>
    private readonly unsafe struct ChunkCall(SessionBatchEncryptor owner, nint output, int outputLength, nint keyMaterial, int keyMaterialLength,
        nint lengths, int count, int stride)
    {
        /// <summary>Worker <paramref name="worker"/> of <paramref name="workers"/> takes every <paramref name="workers"/>-th chunk.</summary>
        public void RunWorker(int worker, int workers, int chunks)
        {
            var outputSpan = new Span<byte>((void*)output, outputLength);
            var keySpan = new ReadOnlySpan<byte>((void*)keyMaterial, keyMaterialLength);
            var lengthSpan = new Span<int>((void*)lengths, count);
            for (int chunk = worker; chunk < chunks; chunk += workers)
            {
                int start = chunk * ChunkSize, lanes = Math.Min(ChunkSize, count - start);
                owner._workers[worker].EncryptChunk(owner._sessions.AsSpan(start, lanes), keySpan, outputSpan[(start * stride)..], stride,
                    lengthSpan[start..], owner._nextChainKeys.AsSpan(start * K, lanes * K));
            }
        }
    }

    // A duplicate would encrypt two messages with one message key. Each call stamps its sessions with a fresh number,
    // so a session met twice is seen in O(1) without hashing.
    private static void CheckSessions(ReadOnlySpan<OmemoSession> sessions)
    {
        long stamp = Interlocked.Increment(ref s_lastCallStamp);
        foreach (var session in sessions)
        {
            if (session is null) throw new ArgumentException("A session is null.", nameof(sessions));
            if (session.BatchStamp == stamp) throw new ArgumentException("A session appears twice: it would reuse a message key.", nameof(sessions));
            session.BatchStamp = stamp;
            if (session.Ratchet.SendingChainLength == uint.MaxValue) throw new InvalidOperationException("A sending chain is exhausted.");
        }
    }

    /// <summary>Wipes the scratch buffers.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var worker in _workers) worker.Wipe();
    }
}
