using System.Security.Cryptography;
using Omemo.Errors;

namespace Omemo.Crypto;

/// <summary>
/// AES-256-CBC with PKCS#7 padding, the cipher OMEMO 2 uses for message bodies and payloads
/// (XEP-0384 section 4.4; always combined with HMAC-SHA-256, which must be verified <em>before</em> decrypting).
/// </summary>
/// <remarks>
/// <para>
/// On x86/x64 CPUs with AES-NI the cipher runs on the AES instructions and allocates nothing; elsewhere it
/// falls back to the BCL <see cref="System.Security.Cryptography.Aes"/> (one cached instance per thread),
/// which allocates a few dozen bytes per call. Both paths produce identical results.
/// </para>
/// <para>
/// Round keys and the decrypted final block live on the stack and are wiped after use. Padding is checked
/// in constant time (every byte of the final block is examined with masks, no data-dependent branch), and
/// when it is invalid nothing is returned and the partial plaintext written to the destination is wiped.
/// </para>
/// <para>
/// The destination may be the same memory as the input (in-place operation, both spans starting at the same
/// address) but must not otherwise overlap it.
/// </para>
/// </remarks>
public static class AesCbc
{
    /// <summary>The AES-256 key length in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>The CBC initialisation vector length in bytes (one AES block).</summary>
    public const int IvSize = 16;

    /// <summary>The AES block length in bytes.</summary>
    public const int BlockSize = 16;

    /// <summary>
    /// The ciphertext length for a plaintext of <paramref name="plaintextLength"/> bytes: the next multiple of
    /// 16 strictly greater than it (PKCS#7 always adds 1 to 16 bytes).
    /// </summary>
    /// <param name="plaintextLength">The plaintext length in bytes; non-negative.</param>
    /// <returns>The ciphertext length in bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="plaintextLength"/> is negative or too large for the result to fit an <see cref="int"/>.</exception>
    public static int GetCiphertextLength(int plaintextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(plaintextLength, int.MaxValue - BlockSize);
        return (plaintextLength | (BlockSize - 1)) + 1;
    }

    /// <summary>
    /// The largest plaintext a ciphertext of <paramref name="ciphertextLength"/> bytes can hold
    /// (<c>ciphertextLength - 1</c>, or 0 for an empty ciphertext); a destination of this size always suffices for
    /// <see cref="TryDecrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, out int)"/> and <see cref="Decrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>.
    /// </summary>
    /// <param name="ciphertextLength">The ciphertext length in bytes; non-negative.</param>
    /// <returns>The maximal plaintext length in bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ciphertextLength"/> is negative.</exception>
    public static int GetMaxPlaintextLength(int ciphertextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ciphertextLength);
        return Math.Max(0, ciphertextLength - 1);
    }

    /// <summary>Encrypts <paramref name="plaintext"/> with AES-256-CBC and PKCS#7 padding.</summary>
    /// <param name="key">The 32-byte AES-256 key.</param>
    /// <param name="iv">The 16-byte initialisation vector.</param>
    /// <param name="plaintext">The data to encrypt; may be empty.</param>
    /// <param name="destination">
    /// Receives the ciphertext; at least <see cref="GetCiphertextLength"/>(<c>plaintext.Length</c>) bytes. It may
    /// start at the same address as <paramref name="plaintext"/> (in place) but must not otherwise overlap it.
    /// </param>
    /// <returns>The number of bytes written: <see cref="GetCiphertextLength"/>(<c>plaintext.Length</c>).</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="key"/> is not 32 bytes, <paramref name="iv"/> is not 16 bytes, <paramref name="destination"/>
    /// is too short, or the buffers partially overlap.
    /// </exception>
    public static int Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> destination)
        => Encrypt(key, iv, plaintext, destination, AesCbcBackend.Auto);

    /// <summary>
    /// Decrypts <paramref name="ciphertext"/> and removes its PKCS#7 padding. Returns <see langword="false"/> for a
    /// ciphertext whose length is not a positive multiple of 16 or whose padding is invalid, without revealing
    /// which check failed or, through timing, anything about the padding bytes.
    /// </summary>
    /// <param name="key">The 32-byte AES-256 key.</param>
    /// <param name="iv">The 16-byte initialisation vector.</param>
    /// <param name="ciphertext">The data to decrypt.</param>
    /// <param name="destination">
    /// Receives the plaintext. It must hold at least <c>ciphertext.Length - 16</c> bytes before decryption and
    /// the whole plaintext after it; <see cref="GetMaxPlaintextLength"/>(<c>ciphertext.Length</c>) bytes always suffice.
    /// It may start at the same address as <paramref name="ciphertext"/> but must not otherwise overlap it.
    /// On failure every byte written to it is wiped.
    /// </param>
    /// <param name="bytesWritten">The plaintext length on success; 0 on failure.</param>
    /// <returns><see langword="true"/> when the ciphertext decrypted to a correctly padded plaintext.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="key"/> is not 32 bytes, <paramref name="iv"/> is not 16 bytes, <paramref name="destination"/>
    /// is too short for the plaintext, or the buffers partially overlap.
    /// </exception>
    public static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> destination, out int bytesWritten)
        => TryDecrypt(key, iv, ciphertext, destination, out bytesWritten, AesCbcBackend.Auto);

    /// <summary>Decrypts <paramref name="ciphertext"/> and removes its PKCS#7 padding, throwing when it is malformed.</summary>
    /// <param name="key">The 32-byte AES-256 key.</param>
    /// <param name="iv">The 16-byte initialisation vector.</param>
    /// <param name="ciphertext">The data to decrypt.</param>
    /// <param name="destination">Receives the plaintext; same rules as for <see cref="TryDecrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, out int)"/>.</param>
    /// <returns>The plaintext length.</returns>
    /// <exception cref="DecryptionFailedException">The ciphertext length is not a positive multiple of 16, or the padding is invalid.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="key"/> is not 32 bytes, <paramref name="iv"/> is not 16 bytes, <paramref name="destination"/>
    /// is too short for the plaintext, or the buffers partially overlap.
    /// </exception>
    public static int Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> destination)
        => Decrypt(key, iv, ciphertext, destination, AesCbcBackend.Auto);

    /// <summary>Whether the allocation-free AES-NI path is available on this machine.</summary>
    internal static bool IsHardwareAccelerated => AesNiCbc.IsSupported;

    /// <inheritdoc cref="Encrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>
    internal static int Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> destination, AesCbcBackend backend)
    {
        CheckKeyAndIv(key, iv);
        int ciphertextLength = GetCiphertextLength(plaintext.Length);
        if (destination.Length < ciphertextLength)
        {
            throw new ArgumentException("The destination is too short for the ciphertext.", nameof(destination));
        }

        CheckOverlap(plaintext, destination, nameof(destination));
        destination = destination[..ciphertextLength];

        int bodyLength = plaintext.Length & ~(BlockSize - 1);
        Span<byte> finalBlock = stackalloc byte[BlockSize];
        try
        {
            // Built before anything is written, so in-place encryption cannot clobber the tail.
            Pkcs7.PadFinalBlock(plaintext[bodyLength..], finalBlock);
            if (Resolve(backend) == AesCbcBackend.AesNi)
            {
                AesNiCbc.Encrypt(key, iv, plaintext[..bodyLength], finalBlock, destination);
            }
            else
            {
                BclAesCbc.Encrypt(key, iv, plaintext[..bodyLength], finalBlock, destination);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(finalBlock);
        }

        return ciphertextLength;
    }

    /// <inheritdoc cref="TryDecrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, out int)"/>
    internal static bool TryDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> destination, out int bytesWritten, AesCbcBackend backend)
    {
        CheckKeyAndIv(key, iv);
        bytesWritten = 0;
        if (ciphertext.Length == 0 || ciphertext.Length % BlockSize != 0)
        {
            return false;
        }

        int bodyLength = ciphertext.Length - BlockSize;
        if (destination.Length < bodyLength)
        {
            throw new ArgumentException("The destination is too short for the plaintext.", nameof(destination));
        }

        CheckOverlap(ciphertext, destination, nameof(destination));
        Span<byte> body = destination[..bodyLength];
        Span<byte> finalBlock = stackalloc byte[BlockSize];
        bool succeeded = false;
        try
        {
            if (Resolve(backend) == AesCbcBackend.AesNi)
            {
                AesNiCbc.Decrypt(key, iv, ciphertext, body, finalBlock);
            }
            else
            {
                BclAesCbc.Decrypt(key, iv, ciphertext, body, finalBlock);
            }

            int tailLength = Pkcs7.UnpaddedLength(finalBlock);

            // Branching on validity is fine: it is the public outcome of the call.
            if (tailLength < 0)
            {
                return false;
            }

            if (destination.Length < bodyLength + tailLength)
            {
                throw new ArgumentException("The destination is too short for the plaintext.", nameof(destination));
            }

            finalBlock[..tailLength].CopyTo(destination[bodyLength..]);
            bytesWritten = bodyLength + tailLength;
            succeeded = true;
            return true;
        }
        finally
        {
            // On every failure (bad padding, short destination, exception) no partial plaintext is left behind.
            if (!succeeded)
            {
                CryptographicOperations.ZeroMemory(body);
            }

            CryptographicOperations.ZeroMemory(finalBlock);
        }
    }

    /// <inheritdoc cref="Decrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>
    internal static int Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> destination, AesCbcBackend backend)
    {
        if (!TryDecrypt(key, iv, ciphertext, destination, out int bytesWritten, backend))
        {
            throw new DecryptionFailedException("AES-256-CBC decryption failed: the ciphertext length or padding is invalid.");
        }

        return bytesWritten;
    }

    private static AesCbcBackend Resolve(AesCbcBackend backend) => backend switch
    {
        AesCbcBackend.Auto => AesNiCbc.IsSupported ? AesCbcBackend.AesNi : AesCbcBackend.Bcl,
        AesCbcBackend.AesNi when !AesNiCbc.IsSupported => throw new PlatformNotSupportedException("AES-NI is not available on this CPU."),
        AesCbcBackend.AesNi or AesCbcBackend.Bcl => backend,
        _ => throw new ArgumentOutOfRangeException(nameof(backend)),
    };

    private static void CheckKeyAndIv(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"An AES-256 key is {KeySize} bytes long.", nameof(key));
        }

        if (iv.Length != IvSize)
        {
            throw new ArgumentException($"An AES-CBC IV is {IvSize} bytes long.", nameof(iv));
        }
    }

    private static void CheckOverlap(ReadOnlySpan<byte> input, ReadOnlySpan<byte> destination, string paramName)
    {
        if (input.Overlaps(destination, out int offset) && offset != 0)
        {
            throw new ArgumentException("The destination overlaps the input at a different offset; use separate buffers or the same start address.", paramName);
        }
    }
}
