using System.Security.Cryptography;

namespace Omemo.Crypto;

/// <summary>
/// HKDF with HMAC-SHA-256 (RFC 5869), over the allocation-free span overloads of the BCL
/// <see cref="HKDF"/> class.
/// </summary>
/// <remarks>
/// The output may overlap the inputs (the BCL reads them before writing). Length violations are programming errors (the protocol fixes every length) and throw
/// <see cref="ArgumentException"/>; no method here depends on attacker-chosen lengths.
/// </remarks>
public static class Hkdf
{
    /// <summary>The length in bytes of the pseudorandom key produced by <see cref="Extract"/> (the SHA-256 output size).</summary>
    public const int PrkSize = 32;

    /// <summary>The largest output RFC 5869 allows for SHA-256: 255 * 32 = 8160 bytes.</summary>
    public const int MaxOutputLength = 255 * PrkSize;

    /// <summary>
    /// Derives <c>output.Length</c> bytes: HKDF-Expand(HKDF-Extract(<paramref name="salt"/>, <paramref name="inputKeyMaterial"/>), <paramref name="info"/>, L).
    /// </summary>
    /// <param name="inputKeyMaterial">The input keying material (IKM).</param>
    /// <param name="salt">The salt; empty means 32 zero bytes, as RFC 5869 specifies.</param>
    /// <param name="info">The context and application specific information.</param>
    /// <param name="output">Receives the output keying material; 1 to <see cref="MaxOutputLength"/> bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> is empty or longer than <see cref="MaxOutputLength"/> bytes.</exception>
    public static void DeriveKey(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
    {
        CheckOutputLength(output.Length, nameof(output));
        HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKeyMaterial, output, salt, info);
    }

    /// <summary>HKDF-Extract: writes PRK = HMAC-SHA-256(<paramref name="salt"/>, <paramref name="inputKeyMaterial"/>) to <paramref name="prk"/>.</summary>
    /// <param name="inputKeyMaterial">The input keying material (IKM).</param>
    /// <param name="salt">The salt; empty means 32 zero bytes.</param>
    /// <param name="prk">Receives the pseudorandom key; exactly <see cref="PrkSize"/> bytes. The caller owns it and should wipe it after use.</param>
    /// <exception cref="ArgumentException"><paramref name="prk"/> is not <see cref="PrkSize"/> bytes long.</exception>
    public static void Extract(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, Span<byte> prk)
    {
        if (prk.Length != PrkSize)
        {
            throw new ArgumentException($"The HKDF-SHA-256 pseudorandom key is {PrkSize} bytes long.", nameof(prk));
        }

        HKDF.Extract(HashAlgorithmName.SHA256, inputKeyMaterial, salt, prk);
    }

    /// <summary>HKDF-Expand: fills <paramref name="output"/> with T(1) || T(2) || ... computed from <paramref name="prk"/> and <paramref name="info"/>.</summary>
    /// <param name="prk">The pseudorandom key; at least <see cref="PrkSize"/> bytes (RFC 5869 requires at least HashLen).</param>
    /// <param name="info">The context and application specific information.</param>
    /// <param name="output">Receives the output keying material; 1 to <see cref="MaxOutputLength"/> bytes.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="prk"/> is shorter than <see cref="PrkSize"/> bytes, or <paramref name="output"/> is empty or
    /// longer than <see cref="MaxOutputLength"/> bytes.
    /// </exception>
    public static void Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, Span<byte> output)
    {
        if (prk.Length < PrkSize)
        {
            throw new ArgumentException($"The HKDF-SHA-256 pseudorandom key must be at least {PrkSize} bytes long.", nameof(prk));
        }

        CheckOutputLength(output.Length, nameof(output));
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, info);
    }

    private static void CheckOutputLength(int length, string paramName)
    {
        if (length is < 1 or > MaxOutputLength)
        {
            throw new ArgumentException($"HKDF-SHA-256 output must be 1 to {MaxOutputLength} (255 * 32) bytes long.", paramName);
        }
    }
}
