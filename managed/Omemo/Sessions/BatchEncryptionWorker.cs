using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Ratchet;
using Omemo.Wire;

namespace Omemo.Sessions;

/// <summary>
/// The scratch buffers of one thread of a <see cref="SessionBatchEncryptor"/> and the computation of one chunk of up
/// to <see cref="SessionBatchEncryptor.ChunkSize"/> lanes: KDF_CK, HKDF, AES-CBC and the MAC as multi-lane batches,
/// the protobuf headers written straight into the caller's buffer. Reads the sessions, never changes them.
/// </summary>
internal sealed class BatchEncryptionWorker
{
    private const int K = RatchetKdf.KeySize;
    private const int M = RatchetKdf.MessageKeyMaterialSize;
    private const int AdSize = 2 * K;
    private const int Lanes = SessionBatchEncryptor.ChunkSize;

    private readonly int _macStride;
    private readonly byte[] _chainKeys = new byte[Lanes * K];
    private readonly byte[] _messageKeys = new byte[Lanes * K];
    private readonly byte[] _material = new byte[Lanes * M];
    private readonly byte[] _ciphertexts;
    private readonly byte[] _macInput;          // per lane: AD || OMEMOMessage
    private readonly int[] _macLengths = new int[Lanes];
    private readonly byte[] _macs = new byte[Lanes * K];
    private readonly byte[] _auth;              // one lane's OMEMOAuthenticatedMessage before a KEX wraps it

    /// <summary>Allocates the scratch for key material of up to <paramref name="maxKeyMaterialSize"/> bytes.</summary>
    internal BatchEncryptionWorker(int maxKeyMaterialSize)
    {
        int ciphertextLength = AesCbc.GetCiphertextLength(maxKeyMaterialSize);
        _ciphertexts = new byte[Lanes * ciphertextLength];
        _macStride = AdSize + WireWriter.OmemoMessageSize(uint.MaxValue, uint.MaxValue, ciphertextLength);
        _macInput = new byte[Lanes * _macStride];
        _auth = new byte[WireWriter.AuthenticatedMessageSize(_macStride - AdSize)];
    }

    /// <summary>
    /// Encrypts <paramref name="keyMaterial"/> for each session of the chunk: lane i's bytes go to
    /// <c>output[i * stride ..]</c> (<c>lengths[i]</c> long) and its next chain key to <c>nextChainKeys[i * 32 ..]</c>.
    /// </summary>
    internal void EncryptChunk(ReadOnlySpan<OmemoSession> sessions, ReadOnlySpan<byte> keyMaterial, Span<byte> output, int stride,
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

    /// <summary>Wipes the secret scratch (ciphertexts, headers and AD are public).</summary>
    internal void Wipe()
    {
        CryptographicOperations.ZeroMemory(_chainKeys);
        CryptographicOperations.ZeroMemory(_messageKeys);
        CryptographicOperations.ZeroMemory(_material);
        CryptographicOperations.ZeroMemory(_macs);
    }
}
