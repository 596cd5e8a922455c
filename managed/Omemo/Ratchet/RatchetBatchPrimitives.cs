using System.Security.Cryptography;
using Omemo.Crypto;

namespace Omemo.Ratchet;

/// <summary>
/// The symmetric steps of one ratchet encryption for many lanes at once (flat, lane-major buffers). This is the one
/// place the batch path picks its primitives, so faster implementations plug in here without touching the
/// orchestration in <c>SessionBatchEncryptor</c>.
/// </summary>
internal static class RatchetBatchPrimitives
{
    // HKDF's salt for message keys is 32 zero bytes: its HMAC key state is computed once (it is public).
    private static readonly HmacSha256KeyState ZeroSalt = HkdfBatch.PrecomputeSalt(stackalloc byte[RatchetKdf.KeySize]);

    /// <summary>KDF_CK per lane: message key = HMAC(ck, 0x01), next chain key = HMAC(ck, 0x02), as multi-buffer SHA-256.</summary>
    internal static void ChainStep(ReadOnlySpan<byte> chainKeys, Span<byte> messageKeys, Span<byte> nextChainKeys, int lanes)
    {
        int bytes = lanes * RatchetKdf.KeySize;
        HmacSha256Batch.DeriveChainKeys(chainKeys[..bytes], messageKeys[..bytes], nextChainKeys[..bytes]);
    }

    /// <summary>HKDF(mk, zero salt, <paramref name="info"/>, 80) per lane, as multi-buffer SHA-256.</summary>
    internal static void MessageKeys(ReadOnlySpan<byte> info, ReadOnlySpan<byte> messageKeys, Span<byte> material, int lanes) =>
        HkdfBatch.DeriveKeys(ZeroSalt, messageKeys[..(lanes * RatchetKdf.KeySize)], RatchetKdf.KeySize, info,
            material[..(lanes * RatchetKdf.MessageKeyMaterialSize)], RatchetKdf.MessageKeyMaterialSize);

    /// <summary>
    /// AES-256-CBC (PKCS#7) of the same plaintext under each lane's key and IV (taken from the lane's 80-byte
    /// material), through <see cref="AesCbcBatch"/> (8 lanes interleaved on AES-NI); key material longer than the
    /// stack scratch (not OMEMO's 32 or 48 bytes) goes lane by lane.
    /// </summary>
    internal static void EncryptSamePlaintext(ReadOnlySpan<byte> material, ReadOnlySpan<byte> plaintext, Span<byte> ciphertexts, int ciphertextLength, int lanes)
    {
        const int M = RatchetKdf.MessageKeyMaterialSize, MaxStackPlaintext = 64;
        if (plaintext.Length > MaxStackPlaintext || lanes > 64)
        {
            for (int i = 0; i < lanes; i++)
            {
                var m = material.Slice(i * M, M);
                AesCbc.Encrypt(m[..32], m[64..80], plaintext, ciphertexts.Slice(i * ciphertextLength, ciphertextLength));
            }
            return;
        }
        Span<byte> keys = stackalloc byte[lanes * 32];
        Span<byte> ivs = stackalloc byte[lanes * 16];
        Span<byte> plaintexts = stackalloc byte[Math.Max(1, lanes * plaintext.Length)];
        try
        {
            for (int i = 0; i < lanes; i++)
            {
                var m = material.Slice(i * M, M);
                m[..32].CopyTo(keys.Slice(i * 32, 32));
                m[64..80].CopyTo(ivs.Slice(i * 16, 16));
                plaintext.CopyTo(plaintexts.Slice(i * plaintext.Length, plaintext.Length));
            }
            AesCbcBatch.Encrypt(keys, ivs, plaintexts[..(lanes * plaintext.Length)], plaintext.Length, ciphertexts[..(lanes * ciphertextLength)]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys);
            CryptographicOperations.ZeroMemory(plaintexts);
        }
    }

    /// <summary>HMAC-SHA-256 per lane with the lane's auth key (bytes 32..64 of its material) over <c>data[i*stride .. +lengths[i]]</c>.</summary>
    internal static void Mac(ReadOnlySpan<byte> material, ReadOnlySpan<byte> data, int stride, ReadOnlySpan<int> lengths, Span<byte> macs, int lanes)
    {
        const int M = RatchetKdf.MessageKeyMaterialSize, K = RatchetKdf.KeySize;
        Span<HmacSha256KeyState> states = stackalloc HmacSha256KeyState[lanes];
        try
        {
            HmacSha256Batch.PrecomputeKeys(material[K..(lanes * M)], M, K, states);
            HmacSha256Batch.ComputeMacs(states, data, stride, lengths[..lanes], macs[..(lanes * K)], K);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(states));
        }
    }
}
