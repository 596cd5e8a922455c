using Omemo.X3dh;

namespace Omemo.Ratchet;

/// <summary>
/// Everything that differs between OMEMO versions in X3DH, the Double Ratchet and their wire framing (python-omemo
/// keeps the same split: one backend per namespace over shared X3DH and ratchet code). One struct implements it per
/// version (<see cref="OmemoTwoProfile"/>, <see cref="Legacy.LegacyProfile"/>); the algorithms are generic over it,
/// so each version runs the same code path with its own constants and encodings.
/// </summary>
internal interface IProtocolProfile
{
    /// <summary>HKDF info of the X3DH shared secret.</summary>
    static abstract ReadOnlySpan<byte> X3dhInfo { get; }

    /// <summary>HKDF info of the root chain KDF.</summary>
    static abstract ReadOnlySpan<byte> RootInfo { get; }

    /// <summary>HKDF info that expands a message key into encryption key, authentication key and IV.</summary>
    static abstract ReadOnlySpan<byte> MessageKeyInfo { get; }

    /// <summary>Size of one identity key inside the associated data (32, or 33 with a type prefix).</summary>
    static abstract int EncodedIdentitySize { get; }

    /// <summary>
    /// Whether the associated data names the sender first (libsignal) instead of always the initiator first (OMEMO 2).
    /// </summary>
    static abstract bool SenderFirstAssociatedData { get; }

    /// <summary>Tag of the serialized session state, so a session of one version never loads as the other.</summary>
    static abstract byte StateFormat { get; }

    /// <summary>The identity key in the form this version transfers (Ed25519, or Curve25519 for legacy OMEMO).</summary>
    static abstract byte[] TransferredIdentity(IdentityKeyPair own);

    /// <summary>
    /// Converts a transferred identity key to the Curve25519 key used in X3DH;
    /// throws <see cref="Errors.InvalidKeyException"/> when it is no valid key.
    /// </summary>
    static abstract void IdentityToCurve25519(ReadOnlySpan<byte> transferredIdentity, Span<byte> curve25519);

    /// <summary>Writes a transferred identity key as it appears in the associated data (<see cref="EncodedIdentitySize"/> bytes).</summary>
    static abstract void EncodeIdentity(ReadOnlySpan<byte> transferredIdentity, Span<byte> encoded);

    /// <summary>
    /// Frames one ratchet message: header (n, pn, ratchet key), ciphertext and a MAC with <paramref name="authKey"/>
    /// over <paramref name="associatedData"/> followed by the framed header and ciphertext.
    /// </summary>
    static abstract byte[] Seal(ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> associatedData, uint n, uint pn,
        ReadOnlySpan<byte> ratchetKey, byte[] ciphertext);

    /// <summary>Parses a framed ratchet message (bounded, every field checked); malformed input is a <see cref="Errors.MalformedMessageException"/>.</summary>
    static abstract RatchetMessage Parse(ReadOnlySpan<byte> message);

    // ---- span framing (the batch path, and WrapKeyExchange); Seal builds the same bytes with the generated protobuf classes, and the tests compare the two ----

    /// <summary>Size of the (truncated) MAC on the wire.</summary>
    static abstract int MacSize { get; }

    /// <summary>The most bytes <see cref="WriteMessage"/> writes for a ciphertext of <paramref name="ciphertextLength"/> bytes.</summary>
    static abstract int MaxMessageSize(int ciphertextLength);

    /// <summary>Writes the bytes the MAC covers after the associated data (header and ciphertext); returns their length.</summary>
    static abstract int WriteMessage(Span<byte> destination, uint n, uint pn, ReadOnlySpan<byte> ratchetKey, ReadOnlySpan<byte> ciphertext);

    /// <summary>The most bytes <see cref="WriteSealed"/> writes around a message of <paramref name="messageLength"/> bytes.</summary>
    static abstract int MaxSealedSize(int messageLength);

    /// <summary>Writes the sealed ratchet message (message and MAC) as <see cref="Seal"/> returns it; returns its length.</summary>
    static abstract int WriteSealed(Span<byte> destination, ReadOnlySpan<byte> mac, ReadOnlySpan<byte> message);

    /// <summary>The most bytes <see cref="WriteKeyExchange"/> writes around a sealed message of <paramref name="sealedLength"/> bytes.</summary>
    static abstract int MaxKeyExchangeSize(int sealedLength);

    /// <summary>Writes a key exchange around a sealed message as <see cref="WrapKeyExchange"/> returns it; returns its length.</summary>
    static abstract int WriteKeyExchange(Span<byte> destination, in KeyExchangeFields fields, ReadOnlySpan<byte> sealedMessage);

    /// <summary>Wraps a ratchet message in this version's key exchange header.</summary>
    static abstract byte[] WrapKeyExchange(in KeyExchangeFields fields, byte[] message);

    /// <summary>Parses a key exchange: its header fields and the framed ratchet message inside.</summary>
    static abstract (KeyExchangeFields Fields, RatchetMessage Message) ParseKeyExchange(ReadOnlySpan<byte> keyExchange);
}

/// <summary>A received ratchet message, parsed.</summary>
/// <param name="N">The message number in its sending chain.</param>
/// <param name="Pn">The length of the sender's previous sending chain.</param>
/// <param name="RatchetKey">The sender's 32-byte X25519 ratchet public key (canonical).</param>
/// <param name="Ciphertext">The AES-256-CBC ciphertext.</param>
/// <param name="Authenticated">The bytes the MAC covers after the associated data, exactly as received.</param>
/// <param name="Mac">The received (truncated) MAC.</param>
internal sealed record RatchetMessage(uint N, uint Pn, byte[] RatchetKey, byte[] Ciphertext, byte[] Authenticated, byte[] Mac);

/// <summary>The X3DH header of a key exchange: ids of the responder's keys and the initiator's public keys (transferred forms).</summary>
internal readonly record struct KeyExchangeFields(uint PreKeyId, uint SignedPreKeyId, byte[] IdentityKey, byte[] EphemeralKey);
