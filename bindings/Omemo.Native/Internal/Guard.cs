namespace Omemo.Native.Internal;

/// <summary>
/// Length checks done before any pointer reaches native code, which reads and writes fixed sizes blindly.
/// The policy is the managed backend's, so that backends are interchangeable: X25519 keys and every output
/// may be longer than needed (only the first bytes are used), seeds, XEdDSA private keys and XEdDSA randomness
/// must have their exact size, and anything else is an <see cref="ArgumentException"/>; verification and
/// public-key conversion return false instead for inputs of the wrong length.
/// </summary>
internal static class Guard
{
    internal const int KeySize = 32;
    internal const int SignatureSize = 64;
    internal const int RandomSize = 64;

    internal static void AtLeast(ReadOnlySpan<byte> span, int size, string name, string what)
    {
        if (span.Length < size) throw new ArgumentException($"{what} must be {size} bytes.", name);
    }

    internal static void Exactly(ReadOnlySpan<byte> span, int size, string name, string what)
    {
        if (span.Length != size) throw new ArgumentException($"{what} must be exactly {size} bytes.", name);
    }

    internal static void AtLeast(Span<byte> span, int size, string name, string what)
    {
        if (span.Length < size) throw new ArgumentException($"{what} needs room for {size} bytes.", name);
    }
}
