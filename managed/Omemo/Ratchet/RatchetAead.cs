using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Errors;

namespace Omemo.Ratchet;

/// <summary>
/// ENCRYPT/DECRYPT of the Double Ratchet (XEP-0384 4.3; libsignal's for legacy OMEMO): AES-256-CBC with keys from the
/// message key, and a truncated HMAC-SHA-256 over AD || the framed message, framed by the version's profile (the
/// received bytes are MACed as they are).
/// </summary>
internal static class RatchetAead<TProfile> where TProfile : struct, IProtocolProfile
{
    internal static byte[] Seal(ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> associatedData,
        uint n, uint pn, ReadOnlySpan<byte> ratchetKey, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> material = stackalloc byte[RatchetKdf.MessageKeyMaterialSize];
        try
        {
            RatchetKdf.MessageKeys(TProfile.MessageKeyInfo, messageKey, material);
            byte[] ciphertext = new byte[AesCbc.GetCiphertextLength(plaintext.Length)];
            AesCbc.Encrypt(material[..32], material[64..80], plaintext, ciphertext);
            return TProfile.Seal(material[32..64], associatedData, n, pn, ratchetKey, ciphertext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>Verifies the MAC over AD || the message's authenticated bytes (as received), then decrypts.</summary>
    internal static byte[] Open(ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> associatedData, RatchetMessage message)
    {
        Span<byte> material = stackalloc byte[RatchetKdf.MessageKeyMaterialSize];
        byte[]? buffer = null;
        try
        {
            RatchetKdf.MessageKeys(TProfile.MessageKeyInfo, messageKey, material);
            if (!HmacSha256.Verify(material[32..64], associatedData, message.Authenticated, message.Mac))
                throw new AuthenticationFailedException("The message authentication code does not match.");
            buffer = new byte[AesCbc.GetMaxPlaintextLength(message.Ciphertext.Length)];
            if (!AesCbc.TryDecrypt(material[..32], material[64..80], message.Ciphertext, buffer, out int written))
                throw new DecryptionFailedException("The ratchet message ciphertext is malformed.");
            return buffer.AsSpan(0, written).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
            if (buffer is not null) CryptographicOperations.ZeroMemory(buffer);
        }
    }
}
