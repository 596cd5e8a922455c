using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Ratchet;

namespace Omemo.Sessions;

/// <summary>
/// The batch fan-out of one OMEMO version (see <see cref="SessionBatchEncryptor"/> and
/// <see cref="Legacy.LegacySessionBatchEncryptor"/>, its public faces): chunks of <see cref="ChunkSize"/> lanes through
/// <see cref="BatchEncryptionWorker{TProfile}"/>, spread over worker threads from <see cref="ParallelThreshold"/> lanes
/// on, every session advanced only after all lanes were computed.
/// </summary>
internal sealed class RatchetBatchEncryptor<TProfile> : IDisposable where TProfile : struct, IProtocolProfile
{
    internal const int ChunkSize = 64;
    internal const int ParallelThreshold = 2048;
    private const int K = RatchetKdf.KeySize;

    // A duplicate would encrypt two messages with one message key. Each call stamps its sessions with a fresh number,
    // so a session met twice is seen in O(1) without hashing.
    private static long s_lastCallStamp;

    private readonly int _maxKeyMaterial;
    private readonly BatchEncryptionWorker<TProfile>[] _workers;
    private RatchetSession<TProfile>[] _sessions = [];  // the lanes of the running call (worker threads cannot capture spans)
    private byte[] _nextChainKeys = [];                 // staged for every lane of the call
    private bool _disposed;

    internal RatchetBatchEncryptor(int maxKeyMaterialSize, int maxDegreeOfParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeyMaterialSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxKeyMaterialSize, OmemoSession.MaxKeyMaterialSize);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDegreeOfParallelism);
        _maxKeyMaterial = maxKeyMaterialSize;
        int workers = maxDegreeOfParallelism == 0 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        _workers = [.. Enumerable.Range(0, Math.Clamp(workers, 1, 64)).Select(_ => new BatchEncryptionWorker<TProfile>(maxKeyMaterialSize))];
    }

    /// <summary>The bytes reserved per lane: the largest key exchange the key material can produce.</summary>
    internal static int GetOutputStride(int keyMaterialLength)
    {
        int message = TProfile.MaxMessageSize(AesCbc.GetCiphertextLength(keyMaterialLength));
        return TProfile.MaxKeyExchangeSize(TProfile.MaxSealedSize(message));
    }

    /// <summary>Encrypts for every session of a public session type, reached through <paramref name="coreOf"/>.</summary>
    internal unsafe void Encrypt<TSession>(ReadOnlySpan<TSession> sessions, Func<TSession, RatchetSession<TProfile>> coreOf,
        ReadOnlySpan<byte> keyMaterial, Span<byte> output, Span<int> lengths) where TSession : class
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int count = sessions.Length;
        if (_sessions.Length < count) _sessions = new RatchetSession<TProfile>[count];
        try
        {
            for (int i = 0; i < count; i++)
                _sessions[i] = sessions[i] is { } session ? coreOf(session) : throw new ArgumentException("A session is null.", nameof(sessions));
            if (keyMaterial.Length > _maxKeyMaterial)
                throw new ArgumentException($"This encryptor takes at most {_maxKeyMaterial} bytes of key material.", nameof(keyMaterial));
            int stride = GetOutputStride(keyMaterial.Length);
            if (output.Length < count * stride) throw new ArgumentException("The output holds fewer than sessions x stride bytes.", nameof(output));
            if (lengths.Length < count) throw new ArgumentException("Fewer lengths than sessions.", nameof(lengths));
            CheckSessions(_sessions.AsSpan(0, count));
            if (_nextChainKeys.Length < count * K) _nextChainKeys = GC.AllocateUninitializedArray<byte>(count * K, pinned: true);
            int chunks = (count + ChunkSize - 1) / ChunkSize;
            int workers = count < ParallelThreshold ? 1 : Math.Min(_workers.Length, chunks);
            fixed (byte* outputPointer = output, keyPointer = keyMaterial)
            fixed (int* lengthPointer = lengths)
            {
                var call = new ChunkCall(this, (nint)outputPointer, output.Length, (nint)keyPointer, keyMaterial.Length, (nint)lengthPointer, count, stride);
                if (workers == 1) call.RunWorker(0, 1, chunks);
                else Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w => call.RunWorker(w, workers, chunks));
            }
            for (int i = 0; i < count; i++) _sessions[i].Ratchet.CommitSendingStep(_nextChainKeys.AsSpan(i * K, K));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_nextChainKeys);
            Array.Clear(_sessions);
            foreach (var worker in _workers) worker.Wipe();
        }
    }

    private readonly unsafe struct ChunkCall(RatchetBatchEncryptor<TProfile> owner, nint output, int outputLength, nint keyMaterial, int keyMaterialLength,
        nint lengths, int count, int stride)
    {
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

    private static void CheckSessions(ReadOnlySpan<RatchetSession<TProfile>> sessions)
    {
        long stamp = Interlocked.Increment(ref s_lastCallStamp);
        foreach (var session in sessions)
        {
            if (session.BatchStamp == stamp) throw new ArgumentException("A session appears twice: it would reuse a message key.", nameof(sessions));
            session.BatchStamp = stamp;
            if (session.Ratchet.SendingChainLength == uint.MaxValue) throw new InvalidOperationException("A sending chain is exhausted.");
        }
    }

    /// <summary>Wipes the workers' scratch buffers.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var worker in _workers) worker.Wipe();
    }
}
