using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Omemo.Crypto;

/// <summary>
/// A precomputed HMAC-SHA-256 key: the SHA-256 chaining values after the key's ipad block (inner) and after its
/// opad block (outer), made by <see cref="HmacSha256Batch.PrecomputeKeys(ReadOnlySpan{byte}, int, Span{HmacSha256KeyState})"/>.
/// A MAC with a precomputed key costs two compressions fewer than one from the raw key.
/// </summary>
/// <remarks>
/// Blittable, 64 bytes, no padding: 8 inner words then 8 outer words, each a <see cref="uint"/> in native byte
/// order (the native SHA-NI backend reads exactly this layout). The state is as secret as the key: wipe arrays
/// of it with <c>CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(states))</c> after use.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct HmacSha256KeyState
{
    /// <summary>The size of one state in bytes.</summary>
    public const int Size = 64;

    internal Sha256Words Inner;
    internal Sha256Words Outer;
}

/// <summary>Eight SHA-256 chaining words (H0..H7).</summary>
[InlineArray(8)]
internal struct Sha256Words
{
    private uint _element0;
}
