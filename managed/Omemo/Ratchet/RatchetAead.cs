using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Wire;

namespace Omemo.Ratchet;

/// <summary>
/// ENCRYPT/DECRYPT of XEP-0384 4.3: AES-256-CBC with keys from the message key, and a 16-byte truncated
/// HMAC-SHA-256 over AD || the serialized OMEMOMessage (serialized once; the received bytes are MACed as-is).
/// </summary>
internal static class RatchetAead
{
    internal static OmemoAuthenticatedMessage Seal(ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> associatedData,
        uint n, uint pn, byte[] dhPub, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> material = stackalloc byte[RatchetKdf.MessageKeyMaterialSize];
        try
        {
            RatchetKdf.MessageKeys(messageKey, material);
            byte[] ciphertext = new byte[AesCbc.GetCiphertextLength(plaintext.Length)];
            AesCbc.Encrypt(material[..32], material[64..80], plaintext, ciphertext);
            byte[] message = new OmemoMessage(n, pn, dhPub, ciphertext).ToByteArray();
            byte[] mac = new byte[WireLimits.MacSize];
            HmacSha256.Compute(material[32..64], associatedData, message, mac);
            return new OmemoAuthenticatedMessage(mac, message);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>Verifies the MAC over AD || <paramref name="messageBytes"/> (as received), then decrypts.</summary>
    internal static byte[] Open(ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> associatedData,
        ReadOnlySpan<byte> messageBytes, ReadOnlySpan<byte> mac, ReadOnlySpan<byte> ciphertext)
    {
        Span<byte> material = stackalloc byte[RatchetKdf.MessageKeyMaterialSize];
        byte[]? buffer = null;
        try
        {
            RatchetKdf.MessageKeys(messageKey, material);
            if (!HmacSha256.Verify(material[32..64], associatedData, messageBytes, mac))
                throw new AuthenticationFailedException("The message authentication code does not match.");
            buffer = new byte[AesCbc.GetMaxPlaintextLength(ciphertext.Length)];
            if (!AesCbc.TryDecrypt(material[..32], material[64..80], ciphertext, buffer, out int written))
                throw new DecryptionFailedException("The ratchet message ciphertext is malformed.");
            byte[] plaintext = buffer.AsSpan(0, written).ToArray();
            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
            if (buffer is not null) CryptographicOperations.ZeroMemory(buffer);
        }
    }
}
