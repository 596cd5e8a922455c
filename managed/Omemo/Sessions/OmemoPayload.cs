using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Errors;

namespace Omemo.Sessions;

/// <summary>
/// The OMEMO 2 payload encryption (XEP-0384 4.4/4.5, as python-twomemo): 32 random bytes -&gt; HKDF-SHA-256
/// (salt 32 zero bytes, info "OMEMO Payload", 80 bytes) = encryption key (32) || authentication key (32) || IV (16);
/// AES-256-CBC/PKCS#7 of the plaintext; key material = the 32 random bytes || HMAC-SHA-256(auth key, ciphertext)[..16].
/// The key material is what <see cref="OmemoSession.Encrypt"/> carries to each recipient device.
/// </summary>
public static class OmemoPayload
{
    /// <summary>Size of the key material of a message with payload: key (32) || truncated MAC (16).</summary>
    public const int KeyMaterialSize = 48;

    /// <summary>Size of the key material of an empty OMEMO message: 32 zero bytes, no payload.</summary>
    public const int EmptyKeyMaterialSize = 32;

    private const int KeySize = 32;
    private const int MacSize = 16;

    private static ReadOnlySpan<byte> Info => "OMEMO Payload"u8;

    /// <summary>Encrypts <paramref name="plaintext"/> under a fresh random key.</summary>
    /// <param name="plaintext">The payload (the SCE envelope).</param>
    /// <param name="keyMaterial48">Receives the 48-byte key material (secret: wipe it once encrypted for every device).</param>
    /// <returns>The ciphertext for the <c>&lt;payload&gt;</c> element.</returns>
    /// <exception cref="ArgumentException"><paramref name="keyMaterial48"/> is shorter than 48 bytes.</exception>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, Span<byte> keyMaterial48)
    {
        if (keyMaterial48.Length < KeyMaterialSize)
            throw new ArgumentException($"The key material buffer must hold {KeyMaterialSize} bytes.", nameof(keyMaterial48));
        Span<byte> key = stackalloc byte[KeySize];
        Span<byte> derived = stackalloc byte[80];
        try
        {
            RandomNumberGenerator.Fill(key);
            Derive(key, derived);
            byte[] ciphertext = new byte[AesCbc.GetCiphertextLength(plaintext.Length)];
            AesCbc.Encrypt(derived[..32], derived[64..80], plaintext, ciphertext);
            key.CopyTo(keyMaterial48);
            HmacSha256.Compute(derived[32..64], ciphertext, keyMaterial48.Slice(KeySize, MacSize));
            return ciphertext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>Verifies and decrypts a payload with the key material decrypted from the sender's session.</summary>
    /// <param name="keyMaterial48">The 48-byte key material (network-derived).</param>
    /// <param name="payload">The <c>&lt;payload&gt;</c> ciphertext.</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="MalformedMessageException">The key material is not 48 bytes (e.g. the 32 of an empty message).</exception>
    /// <exception cref="AuthenticationFailedException">The MAC does not match the payload.</exception>
    /// <exception cref="DecryptionFailedException">The authenticated ciphertext is not a valid AES-CBC/PKCS#7 ciphertext.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> keyMaterial48, ReadOnlySpan<byte> payload)
    {
        if (keyMaterial48.Length != KeyMaterialSize)
            throw new MalformedMessageException($"Payload key material must be {KeyMaterialSize} bytes.");
        Span<byte> derived = stackalloc byte[80];
        byte[]? buffer = null;
        try
        {
            Derive(keyMaterial48[..KeySize], derived);
            if (!HmacSha256.Verify(derived[32..64], payload, keyMaterial48.Slice(KeySize, MacSize)))
                throw new AuthenticationFailedException("The payload authentication code does not match.");
            buffer = new byte[AesCbc.GetMaxPlaintextLength(payload.Length)];
            if (!AesCbc.TryDecrypt(derived[..32], derived[64..80], payload, buffer, out int written))
                throw new DecryptionFailedException("The payload ciphertext is malformed.");
            return buffer.AsSpan(0, written).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
            if (buffer is not null) CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private static void Derive(ReadOnlySpan<byte> key, Span<byte> derived)
    {
        Span<byte> salt = stackalloc byte[KeySize];
        salt.Clear();
        Hkdf.DeriveKey(key, salt, Info, derived);
    }
}
