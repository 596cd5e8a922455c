using Google.Protobuf;
using Omemo.Errors;

namespace Omemo.Wire;

/// <summary>
/// <c>OMEMOAuthenticatedMessage</c> (XEP-0384 section 12): a serialized <c>OMEMOMessage</c> and its truncated
/// HMAC. The message bytes are kept exactly as received, because the MAC covers them.
/// </summary>
public sealed class OmemoAuthenticatedMessage
{
    /// <summary>Creates an authenticated message.</summary>
    /// <param name="mac">The 16-byte truncated HMAC-SHA-256 over AD || <paramref name="message"/>.</param>
    /// <param name="message">The serialized <c>OMEMOMessage</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="mac"/> is not 16 bytes.</exception>
    public OmemoAuthenticatedMessage(byte[] mac, byte[] message)
    {
        ArgumentNullException.ThrowIfNull(mac);
        ArgumentNullException.ThrowIfNull(message);
        if (mac.Length != WireLimits.MacSize) throw new ArgumentException($"The MAC must be {WireLimits.MacSize} bytes.", nameof(mac));
        Mac = mac;
        Message = message;
    }

    /// <summary>The 16-byte truncated HMAC (field 1).</summary>
    public byte[] Mac { get; }

    /// <summary>The serialized <c>OMEMOMessage</c>, byte for byte as received (field 2).</summary>
    public byte[] Message { get; }

    /// <summary>Parses and validates an <c>OMEMOAuthenticatedMessage</c> from untrusted bytes (the inner message is not parsed).</summary>
    /// <exception cref="MalformedMessageException">
    /// Not valid protobuf, larger than <see cref="WireLimits.MaxMessageSize"/>, a required field is missing, or the MAC is not 16 bytes.
    /// </exception>
    public static OmemoAuthenticatedMessage Parse(ReadOnlySpan<byte> data)
    {
        WireLimits.CheckSize(data, "OMEMOAuthenticatedMessage");
        Generated.OMEMOAuthenticatedMessage m = ProtobufParsing.Parse(Generated.OMEMOAuthenticatedMessage.Parser, data, "OMEMOAuthenticatedMessage");
        return FromGenerated(m);
    }

    internal static OmemoAuthenticatedMessage FromGenerated(Generated.OMEMOAuthenticatedMessage m)
    {
        if (!m.HasMac || !m.HasMessage) throw new MalformedMessageException("OMEMOAuthenticatedMessage lacks a required field.");
        if (m.Mac.Length != WireLimits.MacSize) throw new MalformedMessageException($"The OMEMOAuthenticatedMessage MAC is not {WireLimits.MacSize} bytes.");
        return new OmemoAuthenticatedMessage(m.Mac.ToByteArray(), m.Message.ToByteArray());
    }

    internal Generated.OMEMOAuthenticatedMessage ToGenerated()
        => new() { Mac = ByteString.CopyFrom(Mac), Message = ByteString.CopyFrom(Message) };

    /// <summary>Serializes the structure.</summary>
    public byte[] ToByteArray() => ToGenerated().ToByteArray();
}
