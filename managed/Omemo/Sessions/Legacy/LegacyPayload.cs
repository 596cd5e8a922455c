using System.Security.Cryptography;
using Omemo.Errors;

namespace Omemo.Sessions.Legacy;

/// <summary>
/// The legacy OMEMO 0.3 payload encryption, as python-oldmemo's <c>encrypt_plaintext</c>/<c>decrypt_plaintext</c>:
/// AES-128-GCM under a random 16-byte key and a random 12-byte IV, full 16-byte tag, no associated data. The
/// <c>&lt;payload&gt;</c> holds the ciphertext without the tag, the <c>&lt;iv&gt;</c> header element the IV, and the
/// key material carried to each device by its session is key (16) || tag (16).
/// </summary>
public static class LegacyPayload
{
    /// <summary>Size of the key material: AES-128 key (16) || GCM tag (16).</summary>
    public const int KeyMaterialSize = KeySize + TagSize;

    /// <summary>Size of the AES-128 key.</summary>
    public const int KeySize = 16;

    /// <summary>Size of the (untruncated) GCM authentication tag.</summary>
    public const int TagSize = 16;

    /// <summary>Size of the GCM IV (nonce) this implementation writes and accepts.</summary>
    public const int IvSize = 12;

    /// <summary>Encrypts <paramref name="plaintext"/> under a fresh random key and IV.</summary>
    /// <param name="plaintext">The message body.</param>
    /// <param name="keyMaterial32">Receives key (16) || tag (16) (secret: wipe it once encrypted for every device).</param>
    /// <param name="iv12">Receives the random 12-byte IV for the <c>&lt;iv&gt;</c> element.</param>
    /// <returns>The ciphertext for the <c>&lt;payload&gt;</c> element (same length as the plaintext, no tag).</returns>
    /// <exception cref="ArgumentException"><paramref name="keyMaterial32"/> is not 32 bytes or <paramref name="iv12"/> not 12.</exception>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, Span<byte> keyMaterial32, Span<byte> iv12)
    {
        if (keyMaterial32.Length != KeyMaterialSize)
            throw new ArgumentException($"The key material buffer must be {KeyMaterialSize} bytes.", nameof(keyMaterial32));
        if (iv12.Length != IvSize) throw new ArgumentException($"The IV buffer must be {IvSize} bytes.", nameof(iv12));
        Span<byte> key = keyMaterial32[..KeySize];
        RandomNumberGenerator.Fill(key);
        RandomNumberGenerator.Fill(iv12);
        byte[] ciphertext = new byte[plaintext.Length];
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(iv12, plaintext, ciphertext, keyMaterial32[KeySize..]);
        return ciphertext;
    }

    /// <summary>Verifies and decrypts a payload with the key material decrypted from the sender's session.</summary>
    /// <param name="keyMaterial32">Key (16) || tag (16) (network-derived).</param>
    /// <param name="iv">The IV from the <c>&lt;iv&gt;</c> element.</param>
    /// <param name="ciphertext">The <c>&lt;payload&gt;</c> ciphertext (without tag).</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="MalformedMessageException">The key material is not 32 bytes or the IV not 12 bytes.</exception>
    /// <exception cref="AuthenticationFailedException">The GCM tag does not match.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> keyMaterial32, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext)
    {
        if (keyMaterial32.Length != KeyMaterialSize)
            throw new MalformedMessageException($"Legacy payload key material must be {KeyMaterialSize} bytes.");
        if (iv.Length != IvSize) throw new MalformedMessageException($"The legacy payload IV must be {IvSize} bytes.");
        byte[] plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(keyMaterial32[..KeySize], TagSize);
        try
        {
            aes.Decrypt(iv, ciphertext, keyMaterial32[KeySize..], plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new AuthenticationFailedException("The legacy payload authentication tag does not match.");
        }
        return plaintext;
    }
}
