using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Wire;
using Omemo.X3dh;

namespace Omemo.Ratchet;

/// <summary>
/// OMEMO 2 (urn:xmpp:omemo:2, XEP-0384 v0.9 section 4): Ed25519 identity keys on the wire and in the associated data
/// (initiator first, both directions), the "OMEMO ..." KDF infos, <c>OMEMOAuthenticatedMessage</c> with a 16-byte MAC
/// over AD || <c>OMEMOMessage</c>, and <c>OMEMOKeyExchange</c>.
/// </summary>
internal readonly struct OmemoTwoProfile : IProtocolProfile
{
    public static ReadOnlySpan<byte> X3dhInfo => "OMEMO X3DH"u8;
    public static ReadOnlySpan<byte> RootInfo => "OMEMO Root Chain"u8;
    public static ReadOnlySpan<byte> MessageKeyInfo => "OMEMO Message Key Material"u8;
    public static int EncodedIdentitySize => Ed25519.PublicKeySize;
    public static bool SenderFirstAssociatedData => false;
    public static byte StateFormat => 1;

    public static byte[] TransferredIdentity(IdentityKeyPair own) => own.PublicKey.ToArray();

    public static void IdentityToCurve25519(ReadOnlySpan<byte> transferredIdentity, Span<byte> curve25519)
    {
        if (!KeyConversion.TryEd25519PublicKeyToCurve25519(transferredIdentity, curve25519))
            throw new InvalidKeyException("The identity key is not a valid Ed25519 public key.");
    }

    public static void EncodeIdentity(ReadOnlySpan<byte> transferredIdentity, Span<byte> encoded) => transferredIdentity.CopyTo(encoded);

    public static byte[] Seal(ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> associatedData, uint n, uint pn,
        ReadOnlySpan<byte> ratchetKey, byte[] ciphertext)
    {
        byte[] message = new OmemoMessage(n, pn, ratchetKey.ToArray(), ciphertext).ToByteArray();
        byte[] mac = new byte[WireLimits.MacSize];
        HmacSha256.Compute(authKey, associatedData, message, mac);
        return new OmemoAuthenticatedMessage(mac, message).ToByteArray();
    }

    public static int MacSize => WireLimits.MacSize;

    public static int MaxMessageSize(int ciphertextLength) => WireWriter.OmemoMessageSize(uint.MaxValue, uint.MaxValue, ciphertextLength);

    public static int WriteMessage(Span<byte> destination, uint n, uint pn, ReadOnlySpan<byte> ratchetKey, ReadOnlySpan<byte> ciphertext) =>
        WireWriter.WriteOmemoMessage(destination, n, pn, ratchetKey, ciphertext);

    public static int MaxSealedSize(int messageLength) => WireWriter.AuthenticatedMessageSize(messageLength);

    public static int WriteSealed(Span<byte> destination, ReadOnlySpan<byte> mac, ReadOnlySpan<byte> message) =>
        WireWriter.WriteAuthenticatedMessage(destination, mac, message);

    public static int MaxKeyExchangeSize(int sealedLength) => WireWriter.KeyExchangeSize(uint.MaxValue, uint.MaxValue, sealedLength);

    public static int WriteKeyExchange(Span<byte> destination, in KeyExchangeFields fields, ReadOnlySpan<byte> sealedMessage) =>
        WireWriter.WriteKeyExchange(destination, fields.PreKeyId, fields.SignedPreKeyId, fields.IdentityKey, fields.EphemeralKey, sealedMessage);

    public static RatchetMessage Parse(ReadOnlySpan<byte> message) => FromAuthenticated(OmemoAuthenticatedMessage.Parse(message));

    // Written straight around the sealed bytes rather than parsing them back into a generated message first.
    public static byte[] WrapKeyExchange(in KeyExchangeFields fields, byte[] message)
    {
        byte[] result = new byte[WireWriter.KeyExchangeSize(fields.PreKeyId, fields.SignedPreKeyId, message.Length)];
        WriteKeyExchange(result, fields, message);
        return result;
    }

    public static (KeyExchangeFields Fields, RatchetMessage Message) ParseKeyExchange(ReadOnlySpan<byte> keyExchange)
    {
        OmemoKeyExchange kex = OmemoKeyExchange.Parse(keyExchange);
        return (FieldsOf(kex), FromAuthenticated(kex.Message));
    }

    /// <summary>The header fields of a parsed <c>OMEMOKeyExchange</c>.</summary>
    internal static KeyExchangeFields FieldsOf(OmemoKeyExchange kex) =>
        new(kex.PreKeyId, kex.SignedPreKeyId, kex.IdentityKey, kex.EphemeralKey);

    private static RatchetMessage FromAuthenticated(OmemoAuthenticatedMessage auth)
    {
        OmemoMessage m = OmemoMessage.Parse(auth.Message);
        if (m.Ciphertext is null) throw new MalformedMessageException("The OMEMOMessage has no ciphertext.");
        return new RatchetMessage(m.N, m.Pn, m.DhPub, m.Ciphertext, auth.Message, auth.Mac);
    }
}
