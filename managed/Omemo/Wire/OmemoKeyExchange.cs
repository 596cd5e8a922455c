using Google.Protobuf;
using Omemo.Errors;

namespace Omemo.Wire;

/// <summary>
/// <c>OMEMOKeyExchange</c> (XEP-0384 section 12): the X3DH header (pre-key id, signed pre-key id, the
/// initiator's Ed25519 identity key and X25519 ephemeral key) around an <c>OMEMOAuthenticatedMessage</c>.
/// </summary>
public sealed class OmemoKeyExchange
{
    /// <summary>Creates a key exchange message.</summary>
    /// <param name="preKeyId">The id of the responder's one-time pre-key used (field 1).</param>
    /// <param name="signedPreKeyId">The id of the responder's signed pre-key used (field 2).</param>
    /// <param name="identityKey">The initiator's 32-byte Ed25519 identity key (field 3).</param>
    /// <param name="ephemeralKey">The initiator's 32-byte X25519 X3DH ephemeral key (field 4).</param>
    /// <param name="message">The first (or a repeated) ratchet message (field 5).</param>
    /// <exception cref="ArgumentException">A key is not 32 bytes.</exception>
    public OmemoKeyExchange(uint preKeyId, uint signedPreKeyId, byte[] identityKey, byte[] ephemeralKey, OmemoAuthenticatedMessage message)
    {
        ArgumentNullException.ThrowIfNull(identityKey);
        ArgumentNullException.ThrowIfNull(ephemeralKey);
        ArgumentNullException.ThrowIfNull(message);
        if (identityKey.Length != WireLimits.KeySize) throw new ArgumentException($"ik must be {WireLimits.KeySize} bytes.", nameof(identityKey));
        if (ephemeralKey.Length != WireLimits.KeySize) throw new ArgumentException($"ek must be {WireLimits.KeySize} bytes.", nameof(ephemeralKey));
        PreKeyId = preKeyId;
        SignedPreKeyId = signedPreKeyId;
        IdentityKey = identityKey;
        EphemeralKey = ephemeralKey;
        Message = message;
    }

    /// <summary>The responder's one-time pre-key id (pk_id).</summary>
    public uint PreKeyId { get; }

    /// <summary>The responder's signed pre-key id (spk_id).</summary>
    public uint SignedPreKeyId { get; }

    /// <summary>The initiator's 32-byte Ed25519 identity key (ik).</summary>
    public byte[] IdentityKey { get; }

    /// <summary>The initiator's 32-byte X25519 ephemeral key (ek).</summary>
    public byte[] EphemeralKey { get; }

    /// <summary>The enclosed ratchet message.</summary>
    public OmemoAuthenticatedMessage Message { get; }

    /// <summary>Parses and validates an <c>OMEMOKeyExchange</c> from untrusted bytes (the innermost <c>OMEMOMessage</c> is not parsed).</summary>
    /// <exception cref="MissingPreKeyException">pk_id is absent: OMEMO 2 rejects key exchanges without a pre-key.</exception>
    /// <exception cref="MalformedMessageException">
    /// Not valid protobuf, larger than <see cref="WireLimits.MaxMessageSize"/>, another required field is missing, a key or the MAC has the wrong size, or ek is not a canonical X25519 key.
    /// </exception>
    public static OmemoKeyExchange Parse(ReadOnlySpan<byte> data)
    {
        WireLimits.CheckSize(data, "OMEMOKeyExchange");
        Generated.OMEMOKeyExchange m = ProtobufParsing.Parse(Generated.OMEMOKeyExchange.Parser, data, "OMEMOKeyExchange");
        if (!m.HasSpkId || !m.HasIk || !m.HasEk || m.Message is null)
            throw new MalformedMessageException("OMEMOKeyExchange lacks a required field.");
        if (!m.HasPkId) throw new MissingPreKeyException("The key exchange does not use a pre-key.");
        if (m.Ik.Length != WireLimits.KeySize || m.Ek.Length != WireLimits.KeySize)
            throw new MalformedMessageException($"OMEMOKeyExchange keys must be {WireLimits.KeySize} bytes.");
        if (!WireLimits.IsCanonicalX25519(m.Ek.Span)) throw new MalformedMessageException("OMEMOKeyExchange ek is not a canonical X25519 key.");
        return new OmemoKeyExchange(m.PkId, m.SpkId, m.Ik.ToByteArray(), m.Ek.ToByteArray(), OmemoAuthenticatedMessage.FromGenerated(m.Message));
    }

    /// <summary>Serializes the structure.</summary>
    public byte[] ToByteArray()
        => new Generated.OMEMOKeyExchange
        {
            PkId = PreKeyId,
            SpkId = SignedPreKeyId,
            Ik = ByteString.CopyFrom(IdentityKey),
            Ek = ByteString.CopyFrom(EphemeralKey),
            Message = Message.ToGenerated(),
        }.ToByteArray();
}
