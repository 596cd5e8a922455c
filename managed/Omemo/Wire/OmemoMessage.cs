using Google.Protobuf;
using Omemo.Errors;

namespace Omemo.Wire;

/// <summary>
/// <c>OMEMOMessage</c> (XEP-0384 section 12): the Double Ratchet header (n, pn, dh_pub) and the AES-256-CBC
/// ciphertext of the key material.
/// </summary>
public sealed class OmemoMessage
{
    /// <summary>Creates a message.</summary>
    /// <param name="n">The message number in the sending chain.</param>
    /// <param name="pn">The length of the previous sending chain.</param>
    /// <param name="dhPub">The sender's 32-byte X25519 ratchet public key.</param>
    /// <param name="ciphertext">The ciphertext, or null to omit the optional field.</param>
    /// <exception cref="ArgumentException"><paramref name="dhPub"/> is not 32 bytes.</exception>
    public OmemoMessage(uint n, uint pn, byte[] dhPub, byte[]? ciphertext)
    {
        ArgumentNullException.ThrowIfNull(dhPub);
        if (dhPub.Length != WireLimits.KeySize) throw new ArgumentException($"dh_pub must be {WireLimits.KeySize} bytes.", nameof(dhPub));
        N = n;
        Pn = pn;
        DhPub = dhPub;
        Ciphertext = ciphertext;
    }

    /// <summary>The message number in the sending chain (field 1).</summary>
    public uint N { get; }

    /// <summary>The length of the sender's previous sending chain (field 2).</summary>
    public uint Pn { get; }

    /// <summary>The sender's 32-byte X25519 ratchet public key (field 3).</summary>
    public byte[] DhPub { get; }

    /// <summary>The ciphertext (field 4), or null when absent.</summary>
    public byte[]? Ciphertext { get; }

    /// <summary>Parses and validates an <c>OMEMOMessage</c> from untrusted bytes.</summary>
    /// <exception cref="MalformedMessageException">
    /// Not valid protobuf, larger than <see cref="WireLimits.MaxMessageSize"/>, a required field is missing, or dh_pub is not a canonical 32-byte X25519 key.
    /// </exception>
    public static OmemoMessage Parse(ReadOnlySpan<byte> data)
    {
        WireLimits.CheckSize(data, "OMEMOMessage");
        Generated.OMEMOMessage m = ProtobufParsing.Parse(Generated.OMEMOMessage.Parser, data, "OMEMOMessage");
        if (!m.HasN || !m.HasPn || !m.HasDhPub) throw new MalformedMessageException("OMEMOMessage lacks a required field.");
        if (m.DhPub.Length != WireLimits.KeySize) throw new MalformedMessageException($"OMEMOMessage dh_pub is not {WireLimits.KeySize} bytes.");
        if (!WireLimits.IsCanonicalX25519(m.DhPub.Span)) throw new MalformedMessageException("OMEMOMessage dh_pub is not a canonical X25519 key.");
        return new OmemoMessage(m.N, m.Pn, m.DhPub.ToByteArray(), m.HasCiphertext ? m.Ciphertext.ToByteArray() : null);
    }

    /// <summary>Serializes the message (canonical protobuf: fields in number order, the ciphertext only when present).</summary>
    public byte[] ToByteArray()
    {
        var m = new Generated.OMEMOMessage { N = N, Pn = Pn, DhPub = ByteString.CopyFrom(DhPub) };
        if (Ciphertext is not null) m.Ciphertext = ByteString.CopyFrom(Ciphertext);
        return m.ToByteArray();
    }
}
