using System.Security.Cryptography;

namespace Omemo.Crypto.Curve25519;

/// <summary>
/// SHA-512 over the concatenation of up to four spans without building the concatenation. Uses one
/// cached <see cref="IncrementalHash"/> per thread: after warm-up a call allocates nothing (measured), and it
/// works for messages of any length. The instance is always left reset, so no state survives a call.
/// </summary>
internal static class Sha512Hasher
{
    internal const int HashSize = 64;

    [ThreadStatic]
    private static IncrementalHash? t_hash;

    internal static void Hash(Span<byte> destination, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b,
        ReadOnlySpan<byte> c = default, ReadOnlySpan<byte> d = default)
    {
        IncrementalHash h = t_hash ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        h.AppendData(a);
        h.AppendData(b);
        h.AppendData(c);
        h.AppendData(d);
        h.GetHashAndReset(destination[..HashSize]);
    }
}
