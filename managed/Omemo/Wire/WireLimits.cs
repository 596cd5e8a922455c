namespace Omemo.Wire;

/// <summary>Size limits enforced on every OMEMO 2 protobuf structure parsed from the network.</summary>
public static class WireLimits
{
    /// <summary>The largest serialized message accepted (64 KiB); OMEMO key messages are around 150 bytes.</summary>
    public const int MaxMessageSize = 64 * 1024;

    /// <summary>Size of every public key on the wire (Ed25519 identity key, X25519 ephemeral and ratchet keys).</summary>
    public const int KeySize = 32;

    /// <summary>Size of the truncated HMAC-SHA-256 authentication tag.</summary>
    public const int MacSize = 16;

    /// <summary>
    /// Whether a 32-byte X25519 public key is the canonical encoding of u (top bit clear, u &lt; p), the only form
    /// honest peers produce. X25519 ignores the top bit, so accepting other encodings would make headers malleable.
    /// </summary>
    internal static bool IsCanonicalX25519(ReadOnlySpan<byte> u)
        => u.Length == KeySize && (u[31] & 0x80) == 0 && Crypto.Curve25519.EdwardsPoint.IsCanonicalY(u);

    internal static void CheckSize(ReadOnlySpan<byte> data, string what)
    {
        if (data.Length > MaxMessageSize)
            throw new Errors.MalformedMessageException($"The {what} is larger than {MaxMessageSize} bytes.");
    }
}
