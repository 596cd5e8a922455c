using Omemo.Crypto;
using Google.Protobuf;
using Omemo.Errors;

namespace Omemo.Wire.Legacy;

/// <summary>
/// A legacy OMEMO 0.3 <c>WhisperMessage</c> (python-oldmemo: <c>OMEMOMessage</c>) with its framing:
/// 0x33 || protobuf || 8-byte truncated HMAC (see <see cref="LegacyMac"/>). The version byte and protobuf are kept
/// exactly as received in <see cref="AuthenticatedBytes"/>, because the MAC covers them.
/// </summary>
public sealed class LegacyWhisperMessage
{
    private readonly Generated.WhisperMessage _message;
    private readonly byte[] _authenticated;
    private readonly byte[] _mac;

    private LegacyWhisperMessage(Generated.WhisperMessage message, byte[] ratchetKey, byte[] authenticated, byte[] mac)
        => (_message, RatchetKey, Ciphertext, _authenticated, _mac) = (message, ratchetKey, message.HasCiphertext ? message.Ciphertext.ToByteArray() : null, authenticated, mac);

    /// <summary>The message number in the sending chain (counter; oldmemo <c>n</c>).</summary>
    public uint Counter => _message.Counter;

    /// <summary>The length of the sender's previous sending chain (previousCounter; oldmemo <c>pn</c>).</summary>
    public uint PreviousCounter => _message.PreviousCounter;

    /// <summary>The sender's 32-byte X25519 ratchet public key, without the 0x05 prefix (ratchetKey; oldmemo <c>dh_pub</c>).</summary>
    public byte[] RatchetKey { get; }

    /// <summary>The AES-256-CBC ciphertext of the key material, or null when the optional field is absent.</summary>
    public byte[]? Ciphertext { get; }

    /// <summary>0x33 || the serialized protobuf, byte for byte as received or built: what the MAC covers after the identity keys.</summary>
    public ReadOnlySpan<byte> AuthenticatedBytes => _authenticated;

    /// <summary>The 8-byte truncated HMAC-SHA-256 that ends the message.</summary>
    public ReadOnlySpan<byte> Mac => _mac;

    /// <summary>Builds a message and computes its MAC with <see cref="LegacyMac.Compute"/>.</summary>
    /// <param name="counter">The message number in the sending chain.</param>
    /// <param name="previousCounter">The length of the previous sending chain.</param>
    /// <param name="ratchetKey">The sender's 32-byte X25519 ratchet public key (without prefix).</param>
    /// <param name="ciphertext">The ciphertext, or null to omit the optional field.</param>
    /// <param name="authKey">The 32-byte authentication key of the message.</param>
    /// <param name="senderIdentityKey">The sender's 32-byte Curve25519 identity key.</param>
    /// <param name="receiverIdentityKey">The receiver's 32-byte Curve25519 identity key.</param>
    /// <exception cref="ArgumentException">A key is not 32 bytes.</exception>
    public static LegacyWhisperMessage Create(uint counter, uint previousCounter, ReadOnlySpan<byte> ratchetKey, byte[]? ciphertext,
        ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> senderIdentityKey, ReadOnlySpan<byte> receiverIdentityKey)
    {
        Span<byte> ad = stackalloc byte[2 * LegacyWireFormat.EncodedKeySize];
        LegacyMac.BuildAssociatedData(senderIdentityKey, receiverIdentityKey, ad);
        return Create(counter, previousCounter, ratchetKey, ciphertext, authKey, ad);
    }

    /// <summary>Like the public overload, with the 66-byte associated data (0x05 || sender ik || 0x05 || receiver ik) given.</summary>
    internal static LegacyWhisperMessage Create(uint counter, uint previousCounter, ReadOnlySpan<byte> ratchetKey, byte[]? ciphertext,
        ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> associatedData)
    {
        LegacyWireFormat.RequireKeySize(ratchetKey, nameof(ratchetKey));
        var m = new Generated.WhisperMessage { RatchetKey = LegacyWireFormat.EncodeKey(ratchetKey), Counter = counter, PreviousCounter = previousCounter };
        if (ciphertext is not null) m.Ciphertext = ByteString.CopyFrom(ciphertext);
        byte[] authenticated = LegacyWireFormat.WithVersion(m);
        byte[] mac = new byte[LegacyWireFormat.MacSize];
        HmacSha256.Compute(authKey, associatedData, authenticated, mac);
        return new LegacyWhisperMessage(m, ratchetKey.ToArray(), authenticated, mac);
    }

    /// <summary>Parses and validates a framed <c>WhisperMessage</c> from untrusted bytes (the MAC is not verified here).</summary>
    /// <exception cref="MalformedMessageException">
    /// Larger than <see cref="WireLimits.MaxMessageSize"/>, shorter than the version byte and MAC, a wrong version byte,
    /// not valid protobuf, a required field missing, or a ratchet key that is not 0x05 || a canonical X25519 key.
    /// </exception>
    public static LegacyWhisperMessage Parse(ReadOnlySpan<byte> data)
    {
        WireLimits.CheckSize(data, "WhisperMessage");
        if (data.Length < 1 + LegacyWireFormat.MacSize) throw new MalformedMessageException("The WhisperMessage is too short.");
        ReadOnlySpan<byte> authenticated = data[..^LegacyWireFormat.MacSize];
        ReadOnlySpan<byte> body = LegacyWireFormat.StripVersion(authenticated, "WhisperMessage");
        Generated.WhisperMessage m = ProtobufParsing.Parse(Generated.WhisperMessage.Parser, body, "WhisperMessage");
        if (!m.HasRatchetKey || !m.HasCounter || !m.HasPreviousCounter) throw new MalformedMessageException("The WhisperMessage lacks a required field.");
        byte[] ratchetKey = LegacyWireFormat.DecodeKey(m.RatchetKey, "WhisperMessage ratchet key");
        return new LegacyWhisperMessage(m, ratchetKey, authenticated.ToArray(), data[^LegacyWireFormat.MacSize..].ToArray());
    }

    /// <summary>Verifies the MAC with <see cref="LegacyMac.Verify"/> (constant time).</summary>
    /// <param name="authKey">The 32-byte authentication key of the message.</param>
    /// <param name="senderIdentityKey">The sender's 32-byte Curve25519 identity key.</param>
    /// <param name="receiverIdentityKey">The receiver's 32-byte Curve25519 identity key.</param>
    /// <returns>Whether the MAC matches.</returns>
    public bool VerifyMac(ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> senderIdentityKey, ReadOnlySpan<byte> receiverIdentityKey)
        => LegacyMac.Verify(authKey, senderIdentityKey, receiverIdentityKey, _authenticated, _mac);

    /// <summary>The framed message: <see cref="AuthenticatedBytes"/> || <see cref="Mac"/>.</summary>
    public byte[] ToByteArray() => [.. _authenticated, .. _mac];
}
