namespace Omemo.Wire.Legacy;

/// <summary>
/// Span-based writers for the legacy <c>WhisperMessage</c> and <c>PreKeyWhisperMessage</c>, each with its 0x33 version
/// byte, byte-identical to Google.Protobuf's output for <see cref="LegacyWhisperMessage"/> and
/// <see cref="LegacyPreKeyWhisperMessage"/> (fields in number order, keys with their 0x05 type byte, no registration id).
/// The batch encryption path uses them because the generated classes allocate per message.
/// </summary>
internal static class LegacyWireWriter
{
    private const byte TagRatchetKey = 0x0A, TagCounter = 0x10, TagPreviousCounter = 0x18, TagCiphertext = 0x22;      // WhisperMessage
    private const byte TagPreKeyId = 0x08, TagBaseKey = 0x12, TagIdentityKey = 0x1A, TagMessage = 0x22, TagSignedPreKeyId = 0x30; // PreKeyWhisperMessage

    /// <summary>Size of 0x33 || <c>WhisperMessage</c> with <paramref name="ciphertextLength"/> bytes of ciphertext (no MAC).</summary>
    internal static int WhisperMessageSize(uint counter, uint previousCounter, int ciphertextLength) =>
        1 + WireWriter.BytesFieldSize(LegacyWireFormat.EncodedKeySize) + 1 + WireWriter.VarintSize(counter)
        + 1 + WireWriter.VarintSize(previousCounter) + WireWriter.BytesFieldSize(ciphertextLength);

    /// <summary>Size of 0x33 || <c>PreKeyWhisperMessage</c> around a sealed message of <paramref name="messageLength"/> bytes.</summary>
    internal static int PreKeyWhisperMessageSize(uint preKeyId, uint signedPreKeyId, int messageLength) =>
        1 + 1 + WireWriter.VarintSize(preKeyId) + 2 * WireWriter.BytesFieldSize(LegacyWireFormat.EncodedKeySize)
        + WireWriter.BytesFieldSize(messageLength) + 1 + WireWriter.VarintSize(signedPreKeyId);

    /// <summary>Writes 0x33 || <c>WhisperMessage</c> (the bytes the MAC covers); returns the bytes written.</summary>
    internal static int WriteWhisperMessage(Span<byte> destination, uint counter, uint previousCounter, ReadOnlySpan<byte> ratchetKey,
        ReadOnlySpan<byte> ciphertext)
    {
        int at = 0;
        destination[at++] = LegacyWireFormat.VersionByte;
        WriteKeyField(destination, ref at, TagRatchetKey, ratchetKey);
        WireWriter.WriteVarintField(destination, ref at, TagCounter, counter);
        WireWriter.WriteVarintField(destination, ref at, TagPreviousCounter, previousCounter);
        WireWriter.WriteBytesField(destination, ref at, TagCiphertext, ciphertext);
        return at;
    }

    /// <summary>Writes 0x33 || <c>PreKeyWhisperMessage</c> around a sealed <c>WhisperMessage</c>; returns the bytes written.</summary>
    internal static int WritePreKeyWhisperMessage(Span<byte> destination, uint preKeyId, uint signedPreKeyId, ReadOnlySpan<byte> identityKey,
        ReadOnlySpan<byte> baseKey, ReadOnlySpan<byte> message)
    {
        int at = 0;
        destination[at++] = LegacyWireFormat.VersionByte;
        WireWriter.WriteVarintField(destination, ref at, TagPreKeyId, preKeyId);
        WriteKeyField(destination, ref at, TagBaseKey, baseKey);
        WriteKeyField(destination, ref at, TagIdentityKey, identityKey);
        WireWriter.WriteBytesField(destination, ref at, TagMessage, message);
        WireWriter.WriteVarintField(destination, ref at, TagSignedPreKeyId, signedPreKeyId);
        return at;
    }

    // A 32-byte key as a length-delimited field of 33 bytes: the 0x05 type byte, then the key.
    private static void WriteKeyField(Span<byte> destination, ref int at, byte tag, ReadOnlySpan<byte> key)
    {
        LegacyWireFormat.RequireKeySize(key, nameof(key));
        destination[at++] = tag;
        destination[at++] = LegacyWireFormat.EncodedKeySize;
        destination[at++] = LegacyWireFormat.KeyPrefix;
        key.CopyTo(destination[at..]);
        at += key.Length;
    }
}
