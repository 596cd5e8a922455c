using Omemo.Ratchet.Legacy;

namespace Omemo.Sessions.Legacy;

/// <summary>
/// <see cref="SessionBatchEncryptor"/> for legacy OMEMO 0.3: one message's key material for many established
/// <see cref="LegacySession"/>s in one call, with the same multi-lane KDF, AES and MAC, the <c>WhisperMessage</c> /
/// <c>PreKeyWhisperMessage</c> framing written straight into a caller-owned buffer, and nothing allocated per recipient.
/// Every lane is byte-identical to <see cref="LegacySession.Encrypt"/>; all lanes are computed before any session
/// advances. Reuse an instance (it is not thread-safe).
/// </summary>
public sealed class LegacySessionBatchEncryptor : IDisposable
{
    private readonly RatchetBatchEncryptor<LegacyProfile> _core;

    /// <summary>Creates an encryptor for key material of up to <paramref name="maxKeyMaterialSize"/> bytes (legacy OMEMO: 32).</summary>
    /// <param name="maxKeyMaterialSize">The longest key material to encrypt.</param>
    /// <param name="maxDegreeOfParallelism">Worker threads for large batches; 1 keeps everything on the calling thread. Default: the core count.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or the degree of parallelism is out of range.</exception>
    public LegacySessionBatchEncryptor(int maxKeyMaterialSize = LegacyPayload.KeyMaterialSize, int maxDegreeOfParallelism = 0)
        => _core = new(maxKeyMaterialSize, maxDegreeOfParallelism);

    /// <summary>The bytes reserved per lane for key material of <paramref name="keyMaterialLength"/> bytes: the largest <c>PreKeyWhisperMessage</c>.</summary>
    public static int GetOutputStride(int keyMaterialLength) => RatchetBatchEncryptor<LegacyProfile>.GetOutputStride(keyMaterialLength);

    /// <summary>
    /// Encrypts <paramref name="keyMaterial"/> for every session: lane <c>i</c>'s <c>PreKeyWhisperMessage</c> (while the
    /// session's key exchange is pending) or <c>WhisperMessage</c> goes to <c>output[i * stride ..]</c>, <c>lengths[i]</c>
    /// bytes long, with stride = <see cref="GetOutputStride"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A session is null or appears twice, the key material is too long, or a buffer is too small.</exception>
    /// <exception cref="InvalidOperationException">A session's sending chain is exhausted (nothing was changed).</exception>
    /// <exception cref="ObjectDisposedException">This encryptor or a session was disposed.</exception>
    public void Encrypt(ReadOnlySpan<LegacySession> sessions, ReadOnlySpan<byte> keyMaterial, Span<byte> output, Span<int> lengths)
        => _core.Encrypt(sessions, static s => s.Core, keyMaterial, output, lengths);

    /// <summary>Wipes the scratch buffers; further calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _core.Dispose();
}
