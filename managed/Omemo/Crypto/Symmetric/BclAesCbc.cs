using System.Security.Cryptography;

namespace Omemo.Crypto;

/// <summary>
/// AES-256-CBC through the BCL <see cref="Aes"/> (OpenSSL, CNG or Apple's CommonCrypto), for CPUs without
/// AES-NI. One instance is cached per thread and re-keyed on every call; it allocates a few dozen bytes per
/// call inside the BCL. Padding is never delegated to the BCL on decryption: blocks are decrypted raw and
/// <see cref="Pkcs7"/> checks the padding in constant time.
/// </summary>
internal static class BclAesCbc
{
    [ThreadStatic]
    private static Aes? t_aes;

    private static ReadOnlySpan<byte> ScrubKey => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <inheritdoc cref="AesNiCbc.Encrypt"/>
    internal static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> body, ReadOnlySpan<byte> finalBlock, Span<byte> destination)
    {
        Aes aes = Rent(key);
        try
        {
            Span<byte> chain = stackalloc byte[16];
            if (body.Length > 0)
            {
                aes.EncryptCbc(body, iv, destination[..body.Length], PaddingMode.None);
                destination.Slice(body.Length - 16, 16).CopyTo(chain);
            }
            else
            {
                iv.CopyTo(chain);
            }

            aes.EncryptCbc(finalBlock, chain, destination.Slice(body.Length, 16), PaddingMode.None);
        }
        finally
        {
            Return(aes);
        }
    }

    /// <inheritdoc cref="AesNiCbc.Decrypt"/>
    internal static void Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> body, Span<byte> finalBlock)
    {
        Aes aes = Rent(key);
        try
        {
            int bodyLength = ciphertext.Length - 16;

            // Copy the chaining block first: in-place decryption of the body overwrites it.
            Span<byte> chain = stackalloc byte[16];
            (bodyLength > 0 ? ciphertext.Slice(bodyLength - 16, 16) : iv).CopyTo(chain);
            if (bodyLength > 0)
            {
                aes.DecryptCbc(ciphertext[..bodyLength], iv, body, PaddingMode.None);
            }

            aes.DecryptCbc(ciphertext[bodyLength..], chain, finalBlock, PaddingMode.None);
        }
        finally
        {
            Return(aes);
        }
    }

    private static Aes Rent(ReadOnlySpan<byte> key)
    {
        Aes aes = t_aes ??= Aes.Create();
        aes.SetKey(key);
        return aes;
    }

    /// <summary>Overwrites the key so the cached instance never holds a caller's key between calls (the BCL wipes the replaced key).</summary>
    private static void Return(Aes aes) => aes.SetKey(ScrubKey);
}
