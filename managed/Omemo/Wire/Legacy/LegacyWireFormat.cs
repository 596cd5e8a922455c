using Google.Protobuf;
using Omemo.Errors;

namespace Omemo.Wire.Legacy;

/// <summary>
/// Constants of the legacy OMEMO 0.3 (<c>eu.siacs.conversations.axolotl</c>) wire format, libsignal's framing as
/// python-oldmemo implements it: every message starts with the version byte 0x33, every public key is 33 bytes
/// (the 0x05 "DJB" type byte, then the 32-byte X25519/Curve25519 key), a <c>WhisperMessage</c> ends with an 8-byte
/// truncated HMAC. Size limits are the OMEMO 2 ones (<see cref="WireLimits.MaxMessageSize"/>).
/// </summary>
public static class LegacyWireFormat
{
    /// <summary>The version byte in front of every message: (3 &lt;&lt; 4) | 3, libsignal's message version 3.</summary>
    public const byte VersionByte = 0x33;

    /// <summary>The type byte in front of every public key (libsignal's <c>Curve.DJB_TYPE</c>).</summary>
    public const byte KeyPrefix = 0x05;

    /// <summary>Size of a public key on the wire: <see cref="KeyPrefix"/> and the 32-byte key.</summary>
    public const int EncodedKeySize = 1 + WireLimits.KeySize;

    /// <summary>Size of the truncated HMAC-SHA-256 that ends a <c>WhisperMessage</c>.</summary>
    public const int MacSize = 8;

    /// <summary>Encodes a 32-byte X25519 public key for the wire (0x05 || key).</summary>
    internal static ByteString EncodeKey(ReadOnlySpan<byte> key)
    {
        Span<byte> encoded = stackalloc byte[EncodedKeySize];
        encoded[0] = KeyPrefix;
        key.CopyTo(encoded[1..]);
        return ByteString.CopyFrom(encoded);
    }

    /// <summary>Decodes a wire key: exactly 33 bytes, the 0x05 prefix, then a canonical X25519 key.</summary>
    internal static byte[] DecodeKey(ByteString encoded, string what)
    {
        ReadOnlySpan<byte> span = encoded.Span;
        if (span.Length != EncodedKeySize) throw new MalformedMessageException($"The {what} is not {EncodedKeySize} bytes.");
        if (span[0] != KeyPrefix) throw new MalformedMessageException($"The {what} lacks the 0x05 key type prefix.");
        if (!WireLimits.IsCanonicalX25519(span[1..])) throw new MalformedMessageException($"The {what} is not a canonical X25519 key.");
        return span[1..].ToArray();
    }

    /// <summary>Checks the size limit and the version byte of an untrusted message; returns what follows the version byte.</summary>
    internal static ReadOnlySpan<byte> StripVersion(ReadOnlySpan<byte> data, string what)
    {
        WireLimits.CheckSize(data, what);
        if (data.IsEmpty || data[0] != VersionByte) throw new MalformedMessageException($"The {what} does not start with the version byte 0x33.");
        return data[1..];
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is a raw 32-byte key.</summary>
    internal static void RequireKeySize(ReadOnlySpan<byte> key, string parameter)
    {
        if (key.Length != WireLimits.KeySize) throw new ArgumentException($"The key must be {WireLimits.KeySize} bytes (without the 0x05 prefix).", parameter);
    }

    /// <summary>Returns <paramref name="key"/> after checking it is a non-null raw 32-byte key.</summary>
    internal static byte[] RequireKey(byte[] key, string parameter)
    {
        ArgumentNullException.ThrowIfNull(key, parameter);
        RequireKeySize(key, parameter);
        return key;
    }

    /// <summary>Prepends the version byte to a serialized protobuf message.</summary>
    internal static byte[] WithVersion(IMessage message)
    {
        byte[] result = new byte[1 + message.CalculateSize()];
        result[0] = VersionByte;
        message.WriteTo(result.AsSpan(1));
        return result;
    }
}
