using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Wire.Legacy;
using Omemo.X3dh;

namespace Omemo.Ratchet.Legacy;

/// <summary>
/// Legacy OMEMO 0.3 (eu.siacs.conversations.axolotl) as libsignal v3 and python-oldmemo run it: Curve25519 identity keys
/// with the 0x05 type byte in the associated data, which names the sender first; the "Whisper..." KDF infos; a
/// <c>WhisperMessage</c> framed as 0x33 || protobuf || 8-byte MAC, and <c>PreKeyWhisperMessage</c> as key exchange.
/// </summary>
internal readonly struct LegacyProfile : IProtocolProfile
{
    public static ReadOnlySpan<byte> X3dhInfo => "WhisperText"u8;
    public static ReadOnlySpan<byte> RootInfo => "WhisperRatchet"u8;
    public static ReadOnlySpan<byte> MessageKeyInfo => "WhisperMessageKeys"u8;
    public static int EncodedIdentitySize => LegacyWireFormat.EncodedKeySize;
    public static bool SenderFirstAssociatedData => true;
    public static byte StateFormat => LegacyWireFormat.VersionByte;

    public static byte[] TransferredIdentity(IdentityKeyPair own)
    {
        byte[] curve = new byte[X25519.KeySize];
        IdentityToCurve25519Checked(own.PublicKey, curve);
        return curve;
    }

    public static void IdentityToCurve25519(ReadOnlySpan<byte> transferredIdentity, Span<byte> curve25519)
    {
        if (transferredIdentity.Length != X25519.KeySize) throw new InvalidKeyException("The identity key must be 32 bytes of Curve25519.");
        transferredIdentity.CopyTo(curve25519);
    }

    public static void EncodeIdentity(ReadOnlySpan<byte> transferredIdentity, Span<byte> encoded)
    {
        encoded[0] = LegacyWireFormat.KeyPrefix;
        transferredIdentity.CopyTo(encoded[1..]);
    }

    public static byte[] Seal(ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> associatedData, uint n, uint pn,
        ReadOnlySpan<byte> ratchetKey, byte[] ciphertext)
        => LegacyWhisperMessage.Create(n, pn, ratchetKey, ciphertext, authKey, associatedData).ToByteArray();

    public static int MacSize => LegacyWireFormat.MacSize;

    public static int MaxMessageSize(int ciphertextLength) => LegacyWireWriter.WhisperMessageSize(uint.MaxValue, uint.MaxValue, ciphertextLength);

    public static int WriteMessage(Span<byte> destination, uint n, uint pn, ReadOnlySpan<byte> ratchetKey, ReadOnlySpan<byte> ciphertext) =>
        LegacyWireWriter.WriteWhisperMessage(destination, n, pn, ratchetKey, ciphertext);

    public static int MaxSealedSize(int messageLength) => messageLength + LegacyWireFormat.MacSize;

    public static int WriteSealed(Span<byte> destination, ReadOnlySpan<byte> mac, ReadOnlySpan<byte> message)
    {
        message.CopyTo(destination);
        mac.CopyTo(destination[message.Length..]);
        return message.Length + mac.Length;
    }

    public static int MaxKeyExchangeSize(int sealedLength) => LegacyWireWriter.PreKeyWhisperMessageSize(uint.MaxValue, uint.MaxValue, sealedLength);

    public static int WriteKeyExchange(Span<byte> destination, in KeyExchangeFields fields, ReadOnlySpan<byte> sealedMessage) =>
        LegacyWireWriter.WritePreKeyWhisperMessage(destination, fields.PreKeyId, fields.SignedPreKeyId, fields.IdentityKey, fields.EphemeralKey, sealedMessage);

    public static RatchetMessage Parse(ReadOnlySpan<byte> message)
    {
        LegacyWhisperMessage m = LegacyWhisperMessage.Parse(message);
        if (m.Ciphertext is null) throw new MalformedMessageException("The WhisperMessage has no ciphertext.");
        return new RatchetMessage(m.Counter, m.PreviousCounter, m.RatchetKey, m.Ciphertext, m.AuthenticatedBytes.ToArray(), m.Mac.ToArray());
    }

    public static byte[] WrapKeyExchange(in KeyExchangeFields fields, byte[] message)
    {
        byte[] result = new byte[LegacyWireWriter.PreKeyWhisperMessageSize(fields.PreKeyId, fields.SignedPreKeyId, message.Length)];
        WriteKeyExchange(result, fields, message);
        return result;
    }

    public static (KeyExchangeFields Fields, RatchetMessage Message) ParseKeyExchange(ReadOnlySpan<byte> keyExchange)
    {
        LegacyPreKeyWhisperMessage kex = LegacyPreKeyWhisperMessage.Parse(keyExchange);
        return (FieldsOf(kex), Parse(kex.Message));
    }

    /// <summary>The header fields of a parsed <c>PreKeyWhisperMessage</c>.</summary>
    internal static KeyExchangeFields FieldsOf(LegacyPreKeyWhisperMessage kex) =>
        new(kex.PreKeyId, kex.SignedPreKeyId, kex.IdentityKey, kex.BaseKey);

    private static void IdentityToCurve25519Checked(ReadOnlySpan<byte> ed25519, Span<byte> curve25519)
    {
        if (!KeyConversion.TryEd25519PublicKeyToCurve25519(ed25519, curve25519))
            throw new InvalidKeyException("The identity key is not a valid Ed25519 public key.");
    }
}
