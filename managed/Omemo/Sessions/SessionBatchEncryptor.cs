using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Ratchet;
using Omemo.Wire;

namespace Omemo.Sessions;

/// <summary>
/// Encrypts one message's key material for many established sessions in one call (the fan-out of a group message):
/// every lane's KDF, AES and MAC run as batches, the headers are written straight into a caller-owned buffer, and
/// nothing is allocated per recipient. All lanes are computed before any session advances, so a failure leaves every
/// session as it was. The result of each lane is byte-identical to <see cref="OmemoSession.Encrypt"/> on that session.
/// An instance owns scratch buffers sized on first use; reuse it (it is not thread-safe).
/// </summary>
public sealed class SessionBatchEncryptor : IDisposable
{
    /// <summary>Lanes computed per batch step (a multiple of every SIMD lane group).</summary>
    public const int ChunkSize = 64;

    private const int K = RatchetKdf.KeySize;
    private const int M = RatchetKdf.MessageKeyMaterialSize;
    private const int AdSize = 2 * K;

    private readonly int _maxKeyMaterial;
    private readonly int _ciphertextLength;
    private readonly int _macStride;
    private readonly byte[] _chainKeys = new byte[ChunkSize * K];
    private readonly byte[] _messageKeys = new byte[ChunkSize * K];
    private readonly byte[] _material = new byte[ChunkSize * M];
    private readonly byte[] _ciphertexts;
    private readonly byte[] _macInput;          // per lane: AD || OMEMOMessage
    private readonly int[] _macLengths = new int[ChunkSize];
    private readonly byte[] _macs = new byte[ChunkSize * K];
    private readonly byte[] _auth;              // one lane's OMEMOAuthenticatedMessage before a KEX wraps it
    private byte[] _nextChainKeys = [];         // staged for every lane of the call
    private readonly HashSet<OmemoSession> _seen = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    /// <summary>Creates an encryptor for key material of up to <paramref name="maxKeyMaterialSize"/> bytes (OMEMO 2: 48).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is outside 1..<see cref="OmemoSession.MaxKeyMaterialSize"/>.</exception>
    public SessionBatchEncryptor(int maxKeyMaterialSize = OmemoPayload.KeyMaterialSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeyMaterialSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxKeyMaterialSize, OmemoSession.MaxKeyMaterialSize);
        _maxKeyMaterial = maxKeyMaterialSize;
        _ciphertextLength = AesCbc.GetCiphertextLength(maxKeyMaterialSize);
        _ciphertexts = new byte[ChunkSize * _ciphertextLength];
        _macStride = AdSize + WireWriter.OmemoMessageSize(uint.MaxValue, uint.MaxValue, _ciphertextLength);
        _macInput = new byte[ChunkSize * _macStride];
        _auth = new byte[WireWriter.AuthenticatedMessageSize(_macStride - AdSize)];
    }

    /// <summary>
    /// The bytes reserved per lane in the output of <see cref="Encrypt"/> for key material of
    /// <paramref name="keyMaterialLength"/> bytes: the largest <c>OMEMOKeyExchange</c> it can produce.
    /// </summary>
    public static int GetOutputStride(int keyMaterialLength)
    {
        int message = WireWriter.OmemoMessageSize(uint.MaxValue, uint.MaxValue, AesCbc.GetCiphertextLength(keyMaterialLength));
        return WireWriter.KeyExchangeSize(uint.MaxValue, uint.MaxValue, WireWriter.AuthenticatedMessageSize(message));
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
    public void Encrypt(ReadOnlySpan<OmemoSession> sessions, ReadOnlySpan<byte> keyMaterial, Span<byte> output, Span<int> lengths)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (keyMaterial.Length > _maxKeyMaterial)
            throw new ArgumentException($"This encryptor takes at most {_maxKeyMaterial} bytes of key material.", nameof(keyMaterial));
        int stride = GetOutputStride(keyMaterial.Length);
        if (output.Length < sessions.Length * stride) throw new ArgumentException("The output holds fewer than sessions x stride bytes.", nameof(output));
        if (lengths.Length < sessions.Length) throw new ArgumentException("Fewer lengths than sessions.", nameof(lengths));
        CheckSessions(sessions);
        if (_nextChainKeys.Length < sessions.Length * K) _nextChainKeys = GC.AllocateUninitializedArray<byte>(sessions.Length * K, pinned: true);
        try
        {
            for (int start = 0; start < sessions.Length; start += ChunkSize)
            {
                int lanes = Math.Min(ChunkSize, sessions.Length - start);
                EncryptChunk(sessions.Slice(start, lanes), keyMaterial, output[(start * stride)..], stride, lengths[start..],
                    _nextChainKeys.AsSpan(start * K, lanes * K));
            }
            for (int i = 0; i < sessions.Length; i++) sessions[i].Ratchet.CommitSendingStep(_nextChainKeys.AsSpan(i * K, K));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_nextChainKeys);
            WipeScratch();
        }
    }

    private void CheckSessions(ReadOnlySpan<OmemoSession> sessions)
    {
        _seen.Clear();
        try
        {
            foreach (var session in sessions)
            {
                if (session is null) throw new ArgumentException("A session is null.", nameof(sessions));
                if (!_seen.Add(session)) throw new ArgumentException("A session appears twice: it would reuse a message key.", nameof(sessions));
                if (session.Ratchet.SendingChainLength == uint.MaxValue) throw new InvalidOperationException("A sending chain is exhausted.");
            }
        }
        finally
        {
            _seen.Clear();
        }
    }

    private void EncryptChunk(ReadOnlySpan<OmemoSession> sessions, ReadOnlySpan<byte> keyMaterial, Span<byte> output, int stride,
        Span<int> lengths, Span<byte> nextChainKeys)
    {
        int lanes = sessions.Length;
        int ciphertextLength = AesCbc.GetCiphertextLength(keyMaterial.Length);
        for (int i = 0; i < lanes; i++) sessions[i].Ratchet.SendingChainKey.CopyTo(_chainKeys.AsSpan(i * K, K));
        RatchetBatchPrimitives.ChainStep(_chainKeys, _messageKeys, nextChainKeys, lanes);
        RatchetBatchPrimitives.MessageKeys(_messageKeys, _material, lanes);
        RatchetBatchPrimitives.EncryptSamePlaintext(_material, keyMaterial, _ciphertexts, ciphertextLength, lanes);

        for (int i = 0; i < lanes; i++)
        {
            var ratchet = sessions[i].Ratchet;
            var lane = _macInput.AsSpan(i * _macStride, _macStride);
            sessions[i].AssociatedData.CopyTo(lane);
            _macLengths[i] = AdSize + WireWriter.WriteOmemoMessage(lane[AdSize..], ratchet.SendingChainLength,
                ratchet.PreviousSendingChainLength, ratchet.OwnRatchetPublicKey, _ciphertexts.AsSpan(i * ciphertextLength, ciphertextLength));
        }
        RatchetBatchPrimitives.Mac(_material, _macInput, _macStride, _macLengths, _macs, lanes);

        for (int i = 0; i < lanes; i++)
        {
            var message = _macInput.AsSpan(i * _macStride + AdSize, _macLengths[i] - AdSize);
            var mac = _macs.AsSpan(i * K, WireLimits.MacSize);
            var destination = output.Slice(i * stride, stride);
            var session = sessions[i];
            if (!session.IsKeyExchangePending)
            {
                lengths[i] = WireWriter.WriteAuthenticatedMessage(destination, mac, message);
                continue;
            }
            int authLength = WireWriter.WriteAuthenticatedMessage(_auth, mac, message);
            var (preKeyId, signedPreKeyId, identityKey, ephemeral) = session.KeyExchangeHeader;
            lengths[i] = WireWriter.WriteKeyExchange(destination, preKeyId, signedPreKeyId, identityKey, ephemeral, _auth.AsSpan(0, authLength));
        }
    }

    private void WipeScratch()
    {
        CryptographicOperations.ZeroMemory(_chainKeys);
        CryptographicOperations.ZeroMemory(_messageKeys);
        CryptographicOperations.ZeroMemory(_material);
        CryptographicOperations.ZeroMemory(_macs); // ciphertexts, headers and AD are public: not wiped
    }

    /// <summary>Wipes the scratch buffers.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        WipeScratch();
    }
}
