using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Ratchet;

namespace Omemo.Sessions;

/// <summary>
/// The scratch buffers of one thread of a <see cref="RatchetBatchEncryptor{TProfile}"/> and the computation of one chunk
/// of up to <see cref="RatchetBatchEncryptor{TProfile}.ChunkSize"/> lanes: KDF_CK, HKDF, AES-CBC and the MAC as multi-lane
/// batches, the version's headers written straight into the caller's buffer. Reads the sessions, never changes them.
/// </summary>
internal sealed class BatchEncryptionWorker<TProfile> where TProfile : struct, IProtocolProfile
{
    private const int K = RatchetKdf.KeySize;
    private const int M = RatchetKdf.MessageKeyMaterialSize;
    private const int Lanes = RatchetBatchEncryptor<TProfile>.ChunkSize;

    private static readonly int AdSize = 2 * TProfile.EncodedIdentitySize;
    private readonly int _macStride;
    private readonly byte[] _chainKeys = new byte[Lanes * K];
    private readonly byte[] _messageKeys = new byte[Lanes * K];
    private readonly byte[] _material = new byte[Lanes * M];
    private readonly byte[] _ciphertexts;
    private readonly byte[] _macInput;          // per lane: AD || the framed message
    private readonly int[] _macLengths = new int[Lanes];
    private readonly byte[] _macs = new byte[Lanes * K];
    private readonly byte[] _sealed;            // one lane's sealed message before a key exchange wraps it

    internal BatchEncryptionWorker(int maxKeyMaterialSize)
    {
        int ciphertextLength = AesCbc.GetCiphertextLength(maxKeyMaterialSize);
        _ciphertexts = new byte[Lanes * ciphertextLength];
        _macStride = AdSize + TProfile.MaxMessageSize(ciphertextLength);
        _macInput = new byte[Lanes * _macStride];
        _sealed = new byte[TProfile.MaxSealedSize(_macStride - AdSize)];
    }

    internal void EncryptChunk(ReadOnlySpan<RatchetSession<TProfile>> sessions, ReadOnlySpan<byte> keyMaterial, Span<byte> output, int stride,
        Span<int> lengths, Span<byte> nextChainKeys)
    {
        int lanes = sessions.Length;
        int ciphertextLength = AesCbc.GetCiphertextLength(keyMaterial.Length);
        for (int i = 0; i < lanes; i++) sessions[i].Ratchet.SendingChainKey.CopyTo(_chainKeys.AsSpan(i * K, K));
        RatchetBatchPrimitives.ChainStep(_chainKeys, _messageKeys, nextChainKeys, lanes);
        RatchetBatchPrimitives.MessageKeys(TProfile.MessageKeyInfo, _messageKeys, _material, lanes);
        RatchetBatchPrimitives.EncryptSamePlaintext(_material, keyMaterial, _ciphertexts, ciphertextLength, lanes);

        for (int i = 0; i < lanes; i++)
        {
            var ratchet = sessions[i].Ratchet;
            var lane = _macInput.AsSpan(i * _macStride, _macStride);
            sessions[i].SendingAssociatedData.CopyTo(lane);
            _macLengths[i] = AdSize + TProfile.WriteMessage(lane[AdSize..], ratchet.SendingChainLength,
                ratchet.PreviousSendingChainLength, ratchet.OwnRatchetPublicKey, _ciphertexts.AsSpan(i * ciphertextLength, ciphertextLength));
        }
        RatchetBatchPrimitives.Mac(_material, _macInput, _macStride, _macLengths, _macs, lanes);

        for (int i = 0; i < lanes; i++)
        {
            var message = _macInput.AsSpan(i * _macStride + AdSize, _macLengths[i] - AdSize);
            var mac = _macs.AsSpan(i * K, TProfile.MacSize);
            var destination = output.Slice(i * stride, stride);
            var session = sessions[i];
            if (!session.IsKeyExchangePending)
            {
                lengths[i] = TProfile.WriteSealed(destination, mac, message);
                continue;
            }
            int sealedLength = TProfile.WriteSealed(_sealed, mac, message);
            lengths[i] = TProfile.WriteKeyExchange(destination, session.KeyExchange, _sealed.AsSpan(0, sealedLength));
        }
    }

    internal void Wipe()
    {
        CryptographicOperations.ZeroMemory(_chainKeys);
        CryptographicOperations.ZeroMemory(_messageKeys);
        CryptographicOperations.ZeroMemory(_material);
        CryptographicOperations.ZeroMemory(_macs);
    }
}
