using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Omemo.Crypto;

/// <summary>
/// HMAC-SHA-256 (RFC 2104 / FIPS 198-1) over spans, with optional truncation of the tag
/// (OMEMO 2 authenticates messages with the first 16 bytes of the tag).
/// </summary>
/// <remarks>
/// <para>
/// Every method is allocation-free (the two-part overloads allocate one hash object per thread, on first use). The single-part overloads use the BCL one-shot
/// <see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>; the two-part
/// overloads (which authenticate <c>data1 || data2</c> without concatenating, e.g. associated data
/// followed by the message) build HMAC from the RFC 2104 definition on top of one SHA-256
/// <see cref="IncrementalHash"/> cached per thread, because a keyed <see cref="IncrementalHash"/>
/// cannot be re-keyed and creating one per call allocates.
/// </para>
/// <para>
/// Computed tags and key-derived pads live in stack buffers that are wiped with
/// <see cref="CryptographicOperations.ZeroMemory(Span{byte})"/> before returning. Tag comparison
/// uses <see cref="CryptographicOperations.FixedTimeEquals(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.
/// </para>
/// </remarks>
public static class HmacSha256
{
    /// <summary>The length in bytes of a full (untruncated) HMAC-SHA-256 tag.</summary>
    public const int MacSize = 32;

    private const int BlockSize = 64;

    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    /// <summary>
    /// Computes HMAC-SHA-256(<paramref name="key"/>, <paramref name="data"/>) and writes its first
    /// <c>mac.Length</c> bytes to <paramref name="mac"/>.
    /// </summary>
    /// <param name="key">The MAC key, of any length (keys longer than 64 bytes are hashed first, per RFC 2104).</param>
    /// <param name="data">The authenticated data.</param>
    /// <param name="mac">Receives the tag; 1 to <see cref="MacSize"/> bytes. A shorter span receives a truncated tag (leftmost bytes).</param>
    /// <exception cref="ArgumentException"><paramref name="mac"/> is empty or longer than <see cref="MacSize"/>.</exception>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> mac) =>
        ComputeTruncated(key, data, default, twoPart: false, mac);

    /// <summary>
    /// Computes HMAC-SHA-256(<paramref name="key"/>, <paramref name="data1"/> || <paramref name="data2"/>)
    /// without concatenating the inputs, and writes its first <c>mac.Length</c> bytes to <paramref name="mac"/>.
    /// </summary>
    /// <param name="key">The MAC key, of any length.</param>
    /// <param name="data1">The first part of the authenticated data (e.g. the associated data).</param>
    /// <param name="data2">The second part of the authenticated data (e.g. the serialized message).</param>
    /// <param name="mac">Receives the tag; 1 to <see cref="MacSize"/> bytes (shorter = truncated).</param>
    /// <exception cref="ArgumentException"><paramref name="mac"/> is empty or longer than <see cref="MacSize"/>.</exception>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data1, ReadOnlySpan<byte> data2, Span<byte> mac) =>
        ComputeTruncated(key, data1, data2, twoPart: true, mac);

    /// <summary>
    /// Recomputes the tag of <paramref name="data"/> and compares its first <c>expectedMac.Length</c>
    /// bytes with <paramref name="expectedMac"/> in constant time.
    /// </summary>
    /// <param name="key">The MAC key.</param>
    /// <param name="data">The authenticated data.</param>
    /// <param name="expectedMac">
    /// The received tag, 1 to <see cref="MacSize"/> bytes. Its length selects the truncation, so the caller
    /// must fix that length by protocol (OMEMO 2: 16 bytes) and never take it from the received message.
    /// </param>
    /// <returns><see langword="true"/> when the tag matches.</returns>
    /// <exception cref="ArgumentException"><paramref name="expectedMac"/> is empty or longer than <see cref="MacSize"/>.</exception>
    public static bool Verify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> expectedMac) =>
        VerifyTruncated(key, data, default, twoPart: false, expectedMac);

    /// <summary>
    /// Recomputes the tag of <paramref name="data1"/> || <paramref name="data2"/> and compares its first
    /// <c>expectedMac.Length</c> bytes with <paramref name="expectedMac"/> in constant time.
    /// </summary>
    /// <param name="key">The MAC key.</param>
    /// <param name="data1">The first part of the authenticated data.</param>
    /// <param name="data2">The second part of the authenticated data.</param>
    /// <param name="expectedMac">The received tag, 1 to <see cref="MacSize"/> bytes; its length must be fixed by protocol.</param>
    /// <returns><see langword="true"/> when the tag matches.</returns>
    /// <exception cref="ArgumentException"><paramref name="expectedMac"/> is empty or longer than <see cref="MacSize"/>.</exception>
    public static bool Verify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data1, ReadOnlySpan<byte> data2, ReadOnlySpan<byte> expectedMac) =>
        VerifyTruncated(key, data1, data2, twoPart: true, expectedMac);

    // The tag's first mac.Length bytes; the full tag lives on the stack and is wiped.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ComputeTruncated(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data1, ReadOnlySpan<byte> data2, bool twoPart, Span<byte> mac)
    {
        CheckTagLength(mac.Length, nameof(mac));
        FullTag tag = default;
        Span<byte> full = tag;
        try
        {
            ComputeFull(key, data1, data2, twoPart, full);
            full[..mac.Length].CopyTo(mac);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(full);
        }
    }

    // Constant-time comparison of the tag's first expectedMac.Length bytes; the full tag is wiped.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool VerifyTruncated(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data1, ReadOnlySpan<byte> data2, bool twoPart, ReadOnlySpan<byte> expectedMac)
    {
        CheckTagLength(expectedMac.Length, nameof(expectedMac));
        FullTag tag = default;
        Span<byte> full = tag;
        try
        {
            ComputeFull(key, data1, data2, twoPart, full);
            return CryptographicOperations.FixedTimeEquals(full[..expectedMac.Length], expectedMac);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(full);
        }
    }

    // A full tag on the stack. A local of this type, unlike stackalloc, does not keep the helpers above from
    // being inlined (the JIT inlines no method whose stackalloc it judges too large for the caller's frame).
    [InlineArray(MacSize)]
    private struct FullTag
    {
        private byte _element0;
    }

    // The full tag: the BCL one-shot for a single part (data2 unused), RFC 2104 by hand for two parts.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ComputeFull(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data1, ReadOnlySpan<byte> data2, bool twoPart, Span<byte> full)
    {
        if (twoPart)
        {
            ComputeTwoPart(key, data1, data2, full);
        }
        else
        {
            HMACSHA256.HashData(key, data1, full);
        }
    }

    private static void CheckTagLength(int length, string paramName)
    {
        if (length is < 1 or > MacSize)
        {
            throw new ArgumentException($"An HMAC-SHA-256 tag must be 1 to {MacSize} bytes long.", paramName);
        }
    }

    /// <summary>
    /// RFC 2104: H((K' ^ opad) || H((K' ^ ipad) || data1 || data2)), where K' is the key zero-padded to the
    /// 64-byte block (after hashing it if it is longer than a block).
    /// </summary>
    private static void ComputeTwoPart(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data1, ReadOnlySpan<byte> data2, Span<byte> full)
    {
        Span<byte> pad = stackalloc byte[BlockSize];
        Span<byte> inner = stackalloc byte[MacSize];
        try
        {
            pad.Clear();
            if (key.Length > BlockSize)
            {
                SHA256.HashData(key, pad);
            }
            else
            {
                key.CopyTo(pad);
            }

            XorInPlace(pad, 0x36);
            IncrementalHash sha = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            bool completed = false;
            try
            {
                sha.AppendData(pad);
                sha.AppendData(data1);
                sha.AppendData(data2);
                sha.GetHashAndReset(inner);

                XorInPlace(pad, 0x36 ^ 0x5C);
                sha.AppendData(pad);
                sha.AppendData(inner);
                sha.GetHashAndReset(full);
                completed = true;
            }
            finally
            {
                if (!completed)
                {
                    // Never reuse a hash object left half-way through a keyed computation.
                    t_sha256 = null;
                    sha.Dispose();
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pad);
            CryptographicOperations.ZeroMemory(inner);
        }
    }

    private static void XorInPlace(Span<byte> buffer, byte value)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] ^= value;
        }
    }
}
