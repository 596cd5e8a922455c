using Omemo.Crypto;

namespace Omemo.Wire.Legacy;

/// <summary>
/// The 8-byte authentication tag of a legacy <c>WhisperMessage</c>, as python-oldmemo's <c>AEADImpl</c> (and
/// libsignal's <c>SignalMessage.getMac</c>) compute it:
/// HMAC-SHA-256(authKey, (0x05 || sender identity) || (0x05 || receiver identity) || 0x33 || protobuf)[..8].
/// </summary>
/// <remarks>
/// The identity keys are the Curve25519 forms, each with the 0x05 prefix (oldmemo <c>StateImpl._encode_public_key</c>).
/// The order is always sender then receiver, whoever initiated the session (oldmemo swaps the X3DH associated data
/// on the passive side to follow libsignal). The message part is the version byte and the protobuf exactly as sent,
/// without the MAC. The authentication key is bytes 32..64 of HKDF-SHA-256(message key, salt 32 zero bytes,
/// info "WhisperMessageKeys", 80 bytes).
/// </remarks>
public static class LegacyMac
{
    private const int AssociatedDataSize = 2 * LegacyWireFormat.EncodedKeySize;

    /// <summary>Computes the 8-byte MAC.</summary>
    /// <param name="authKey">The 32-byte authentication key of the message.</param>
    /// <param name="senderIdentityKey">The sender's 32-byte Curve25519 identity key (without prefix).</param>
    /// <param name="receiverIdentityKey">The receiver's 32-byte Curve25519 identity key (without prefix).</param>
    /// <param name="versionedMessage">0x33 || the serialized <c>WhisperMessage</c> (see <see cref="LegacyWhisperMessage.AuthenticatedBytes"/>).</param>
    /// <param name="mac">Receives the 8-byte MAC.</param>
    /// <exception cref="ArgumentException">An identity key is not 32 bytes, or <paramref name="mac"/> is not 8 bytes.</exception>
    public static void Compute(ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> senderIdentityKey, ReadOnlySpan<byte> receiverIdentityKey,
        ReadOnlySpan<byte> versionedMessage, Span<byte> mac)
    {
        if (mac.Length != LegacyWireFormat.MacSize) throw new ArgumentException($"The MAC must be {LegacyWireFormat.MacSize} bytes.", nameof(mac));
        Span<byte> ad = stackalloc byte[AssociatedDataSize];
        BuildAssociatedData(senderIdentityKey, receiverIdentityKey, ad);
        HmacSha256.Compute(authKey, ad, versionedMessage, mac);
    }

    /// <summary>Recomputes the MAC and compares it with <paramref name="mac"/> in constant time.</summary>
    /// <param name="authKey">The 32-byte authentication key of the message.</param>
    /// <param name="senderIdentityKey">The sender's 32-byte Curve25519 identity key (without prefix).</param>
    /// <param name="receiverIdentityKey">The receiver's 32-byte Curve25519 identity key (without prefix).</param>
    /// <param name="versionedMessage">0x33 || the serialized <c>WhisperMessage</c>, exactly as received.</param>
    /// <param name="mac">The received 8-byte MAC.</param>
    /// <returns>Whether the MAC matches.</returns>
    /// <exception cref="ArgumentException">An identity key is not 32 bytes, or <paramref name="mac"/> is not 8 bytes.</exception>
    public static bool Verify(ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> senderIdentityKey, ReadOnlySpan<byte> receiverIdentityKey,
        ReadOnlySpan<byte> versionedMessage, ReadOnlySpan<byte> mac)
    {
        if (mac.Length != LegacyWireFormat.MacSize) throw new ArgumentException($"The MAC must be {LegacyWireFormat.MacSize} bytes.", nameof(mac));
        Span<byte> ad = stackalloc byte[AssociatedDataSize];
        BuildAssociatedData(senderIdentityKey, receiverIdentityKey, ad);
        return HmacSha256.Verify(authKey, ad, versionedMessage, mac);
    }

    /// <summary>Writes 0x05 || sender || 0x05 || receiver (66 bytes).</summary>
    internal static void BuildAssociatedData(ReadOnlySpan<byte> senderIdentityKey, ReadOnlySpan<byte> receiverIdentityKey, Span<byte> ad)
    {
        LegacyWireFormat.RequireKeySize(senderIdentityKey, nameof(senderIdentityKey));
        LegacyWireFormat.RequireKeySize(receiverIdentityKey, nameof(receiverIdentityKey));
        ad[0] = LegacyWireFormat.KeyPrefix;
        senderIdentityKey.CopyTo(ad[1..]);
        ad[LegacyWireFormat.EncodedKeySize] = LegacyWireFormat.KeyPrefix;
        receiverIdentityKey.CopyTo(ad[(LegacyWireFormat.EncodedKeySize + 1)..]);
    }
}
