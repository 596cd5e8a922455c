using System.Xml.Linq;

namespace Omemo.Xml.Legacy;

/// <summary>Helpers shared by the legacy OMEMO 0.3 element parsers and writers.</summary>
internal static class LegacyXml
{
    /// <summary>The length of a serialized legacy public key: the 0x05 type byte and 32 bytes of Curve25519 key.</summary>
    internal const int SerializedKeySize = 33;

    /// <summary>The type byte of a serialized Curve25519 public key (libsignal's <c>Curve.DJB_TYPE</c>).</summary>
    internal const byte DjbType = 0x05;

    /// <summary>The size of a raw Curve25519 public key.</summary>
    internal const int KeySize = 32;

    /// <summary>
    /// Decodes a serialized public key (strict base64 of 33 bytes starting with 0x05, as python-oldmemo's
    /// <c>StateImpl.parse_public_key</c> requires) and returns the 32-byte Curve25519 key without the type byte.
    /// </summary>
    internal static byte[] DecodePublicKey(XElement element, string what)
    {
        byte[] serialized = StrictBase64.Decode(SafeXml.TextContent(element, what), what, SerializedKeySize);
        if (serialized[0] != DjbType) throw SafeXml.Malformed($"{what}: not a 0x05-prefixed Curve25519 key.");
        return serialized[1..];
    }

    /// <summary>Base64 of the 0x05 type byte followed by the 32-byte Curve25519 key.</summary>
    internal static string EncodePublicKey(byte[] key)
    {
        var serialized = new byte[SerializedKeySize];
        serialized[0] = DjbType;
        key.CopyTo(serialized, 1);
        return Convert.ToBase64String(serialized);
    }
}
