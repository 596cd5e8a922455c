namespace Omemo.Wire;

/// <summary>
/// Span-based writers for the three OMEMO protobuf messages, byte-identical to Google.Protobuf's canonical output
/// (proto2, required fields in number order). The batch encryption path uses them instead of the generated classes
/// because those allocate per message; parsing untrusted input still goes through Google.Protobuf.
/// </summary>
internal static class WireWriter
{
    private const byte TagN = 0x08, TagPn = 0x10, TagDhPub = 0x1A, TagCiphertext = 0x22;   // OMEMOMessage
    private const byte TagMac = 0x0A, TagMessage = 0x12;                                    // OMEMOAuthenticatedMessage
    private const byte TagPkId = 0x08, TagSpkId = 0x10, TagIk = 0x1A, TagEk = 0x22, TagAuth = 0x2A; // OMEMOKeyExchange

    /// <summary>Bytes of <paramref name="value"/> as a protobuf varint (1..5).</summary>
    internal static int VarintSize(uint value) => value < 1u << 7 ? 1 : value < 1u << 14 ? 2 : value < 1u << 21 ? 3 : value < 1u << 28 ? 4 : 5;

    /// <summary>Size of a length-delimited field with a one-byte tag and <paramref name="length"/> bytes of content.</summary>
    internal static int BytesFieldSize(int length) => 1 + VarintSize((uint)length) + length;

    /// <summary>Size of an <c>OMEMOMessage</c> with a 32-byte dh_pub and <paramref name="ciphertextLength"/> bytes of ciphertext.</summary>
    internal static int OmemoMessageSize(uint n, uint pn, int ciphertextLength) =>
        1 + VarintSize(n) + 1 + VarintSize(pn) + BytesFieldSize(WireLimits.KeySize) + BytesFieldSize(ciphertextLength);

    /// <summary>Size of an <c>OMEMOAuthenticatedMessage</c> around a message of <paramref name="messageLength"/> bytes.</summary>
    internal static int AuthenticatedMessageSize(int messageLength) => BytesFieldSize(WireLimits.MacSize) + BytesFieldSize(messageLength);

    /// <summary>Size of an <c>OMEMOKeyExchange</c> around an authenticated message of <paramref name="authLength"/> bytes.</summary>
    internal static int KeyExchangeSize(uint preKeyId, uint signedPreKeyId, int authLength) =>
        1 + VarintSize(preKeyId) + 1 + VarintSize(signedPreKeyId) + 2 * BytesFieldSize(WireLimits.KeySize) + BytesFieldSize(authLength);

    /// <summary>Writes an <c>OMEMOMessage</c>; returns the bytes written.</summary>
    internal static int WriteOmemoMessage(Span<byte> destination, uint n, uint pn, ReadOnlySpan<byte> dhPub, ReadOnlySpan<byte> ciphertext)
    {
        int at = 0;
        WriteVarintField(destination, ref at, TagN, n);
        WriteVarintField(destination, ref at, TagPn, pn);
        WriteBytesField(destination, ref at, TagDhPub, dhPub);
        WriteBytesField(destination, ref at, TagCiphertext, ciphertext);
        return at;
    }

    /// <summary>Writes an <c>OMEMOAuthenticatedMessage</c> (16-byte MAC, then the message bytes); returns the bytes written.</summary>
    internal static int WriteAuthenticatedMessage(Span<byte> destination, ReadOnlySpan<byte> mac, ReadOnlySpan<byte> message)
    {
        int at = 0;
        WriteBytesField(destination, ref at, TagMac, mac);
        WriteBytesField(destination, ref at, TagMessage, message);
        return at;
    }

    /// <summary>Writes an <c>OMEMOKeyExchange</c> around already serialized authenticated-message bytes; returns the bytes written.</summary>
    internal static int WriteKeyExchange(Span<byte> destination, uint preKeyId, uint signedPreKeyId, ReadOnlySpan<byte> identityKey,
        ReadOnlySpan<byte> ephemeralKey, ReadOnlySpan<byte> authenticatedMessage)
    {
        int at = 0;
        WriteVarintField(destination, ref at, TagPkId, preKeyId);
        WriteVarintField(destination, ref at, TagSpkId, signedPreKeyId);
        WriteBytesField(destination, ref at, TagIk, identityKey);
        WriteBytesField(destination, ref at, TagEk, ephemeralKey);
        WriteBytesField(destination, ref at, TagAuth, authenticatedMessage);
        return at;
    }

    internal static void WriteVarintField(Span<byte> destination, ref int at, byte tag, uint value)
    {
        destination[at++] = tag;
        WriteVarint(destination, ref at, value);
    }

    internal static void WriteBytesField(Span<byte> destination, ref int at, byte tag, ReadOnlySpan<byte> value)
    {
        destination[at++] = tag;
        WriteVarint(destination, ref at, (uint)value.Length);
        value.CopyTo(destination[at..]);
        at += value.Length;
    }

    private static void WriteVarint(Span<byte> destination, ref int at, uint value)
    {
        while (value >= 0x80)
        {
            destination[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[at++] = (byte)value;
    }
}
