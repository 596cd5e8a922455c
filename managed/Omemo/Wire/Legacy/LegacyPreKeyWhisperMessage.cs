using Google.Protobuf;
using Omemo.Errors;

namespace Omemo.Wire.Legacy;

/// <summary>
/// A legacy OMEMO 0.3 <c>PreKeyWhisperMessage</c> (python-oldmemo: <c>OMEMOKeyExchange</c>): 0x33 || protobuf, the
/// X3DH header around a framed <see cref="LegacyWhisperMessage"/>. Keys are held without their 0x05 prefix.
/// </summary>
/// <param name="preKeyId">The id of the responder's one-time pre-key used.</param>
/// <param name="signedPreKeyId">The id of the responder's signed pre-key used.</param>
/// <param name="identityKey">The initiator's 32-byte Curve25519 identity key (without prefix).</param>
/// <param name="baseKey">The initiator's 32-byte X25519 X3DH ephemeral key (without prefix).</param>
/// <param name="message">The framed <c>WhisperMessage</c> bytes (version byte, protobuf and MAC).</param>
/// <param name="registrationId">The libsignal registration id, or null to omit it (oldmemo never sets it).</param>
/// <exception cref="ArgumentException">A key is not 32 bytes.</exception>
public sealed class LegacyPreKeyWhisperMessage(uint preKeyId, uint signedPreKeyId, byte[] identityKey, byte[] baseKey, byte[] message, uint? registrationId = null)
{
    /// <summary>The responder's one-time pre-key id (preKeyId; oldmemo <c>pk_id</c>).</summary>
    public uint PreKeyId { get; } = preKeyId;

    /// <summary>The responder's signed pre-key id (signedPreKeyId; oldmemo <c>spk_id</c>).</summary>
    public uint SignedPreKeyId { get; } = signedPreKeyId;

    /// <summary>The initiator's 32-byte Curve25519 identity key (identityKey; oldmemo <c>ik</c>).</summary>
    public byte[] IdentityKey { get; } = LegacyWireFormat.RequireKey(identityKey, nameof(identityKey));

    /// <summary>The initiator's 32-byte X25519 ephemeral key (baseKey; oldmemo <c>ek</c>).</summary>
    public byte[] BaseKey { get; } = LegacyWireFormat.RequireKey(baseKey, nameof(baseKey));

    /// <summary>The enclosed framed <c>WhisperMessage</c>, byte for byte (parse it with <see cref="LegacyWhisperMessage.Parse"/>).</summary>
    public byte[] Message { get; } = message ?? throw new ArgumentNullException(nameof(message));

    /// <summary>The libsignal registration id (oldmemo <c>unused</c>), or null when absent.</summary>
    public uint? RegistrationId { get; } = registrationId;

    /// <summary>Parses and validates a <c>PreKeyWhisperMessage</c> from untrusted bytes (the enclosed message is not parsed).</summary>
    /// <exception cref="MissingPreKeyException">preKeyId is absent (oldmemo requires it, as OMEMO 2 does).</exception>
    /// <exception cref="MalformedMessageException">
    /// Larger than <see cref="WireLimits.MaxMessageSize"/>, a wrong or missing version byte, not valid protobuf, another
    /// required field missing, or a key that is not 0x05 || a canonical X25519 key.
    /// </exception>
    public static LegacyPreKeyWhisperMessage Parse(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> body = LegacyWireFormat.StripVersion(data, "PreKeyWhisperMessage");
        Generated.PreKeyWhisperMessage m = ProtobufParsing.Parse(Generated.PreKeyWhisperMessage.Parser, body, "PreKeyWhisperMessage");
        if (!m.HasSignedPreKeyId || !m.HasBaseKey || !m.HasIdentityKey || !m.HasMessage)
            throw new MalformedMessageException("The PreKeyWhisperMessage lacks a required field.");
        if (!m.HasPreKeyId) throw new MissingPreKeyException("The key exchange does not use a pre-key.");
        byte[] identityKey = LegacyWireFormat.DecodeKey(m.IdentityKey, "PreKeyWhisperMessage identity key");
        byte[] baseKey = LegacyWireFormat.DecodeKey(m.BaseKey, "PreKeyWhisperMessage base key");
        return new LegacyPreKeyWhisperMessage(m.PreKeyId, m.SignedPreKeyId, identityKey, baseKey, m.Message.ToByteArray(),
            m.HasRegistrationId ? m.RegistrationId : null);
    }

    /// <summary>Serializes the message: 0x33 || protobuf (fields in number order, as oldmemo writes them).</summary>
    public byte[] ToByteArray()
    {
        var m = new Generated.PreKeyWhisperMessage
        {
            PreKeyId = PreKeyId,
            BaseKey = LegacyWireFormat.EncodeKey(BaseKey),
            IdentityKey = LegacyWireFormat.EncodeKey(IdentityKey),
            Message = ByteString.CopyFrom(Message),
            SignedPreKeyId = SignedPreKeyId,
        };
        if (RegistrationId is uint registrationId) m.RegistrationId = registrationId;
        return LegacyWireFormat.WithVersion(m);
    }
}
