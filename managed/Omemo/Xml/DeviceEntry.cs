using System.Text;
using Omemo.Crypto;
using Omemo.X3dh;

namespace Omemo.Xml;

/// <summary>
/// One <c>&lt;device id='..' label='..' labelsig='..'/&gt;</c> of a device list. <see cref="Label"/> is the raw,
/// unverified attribute: display only <see cref="GetVerifiedLabel"/>, which applies XEP-0384's rule that a label
/// without a valid <c>labelsig</c> is ignored.
/// </summary>
/// <param name="Id">The device id, in 1..2^31-1.</param>
/// <param name="Label">The <c>label</c> attribute as published, unverified; null when absent.</param>
/// <param name="LabelSignature">
/// The decoded <c>labelsig</c>: 64 bytes, or null when absent or not strict base64 of 64 bytes (such a signature
/// can never verify, so the label is then ignored rather than the whole list refused).
/// </param>
public sealed record DeviceEntry(uint Id, string? Label = null, byte[]? LabelSignature = null)
{
    /// <summary>
    /// The label when <see cref="LabelSignature"/> is a valid Ed25519 signature (<see cref="Ed25519.Verify"/>) of
    /// its UTF-8 bytes by <paramref name="identityKey"/>, the device's 32-byte Ed25519 identity key (the bundle's
    /// <c>&lt;ik&gt;</c>); otherwise null.
    /// </summary>
    public string? GetVerifiedLabel(ReadOnlySpan<byte> identityKey)
    {
        if (Label is null || LabelSignature is null) return null;
        byte[] message;
        try
        {
            message = LabelEncoding.GetBytes(Label);
        }
        catch (EncoderFallbackException)
        {
            return null;   // a lone surrogate has no UTF-8 form, so no signature can cover it
        }
        return Ed25519.Verify(identityKey, message, LabelSignature) ? Label : null;
    }

    /// <summary>
    /// An entry whose label is signed with <paramref name="identity"/>, as XEP-0384 section 5.3.1 requires
    /// (Ed25519 signature over the UTF-8 label).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="id"/> is outside 1..2^31-1, or the label is not valid UTF-16 / contains characters XML
    /// cannot carry.
    /// </exception>
    public static DeviceEntry CreateSigned(uint id, string label, IdentityKeyPair identity)
    {
        XmlArguments.CheckId(id, nameof(id));
        return new DeviceEntry(id, label, SignLabel(label, identity));
    }

    /// <summary>An entry whose label is signed with the identity key given by its 32-byte Ed25519 seed.</summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="id"/> is outside 1..2^31-1, <paramref name="identitySeed"/> is not 32 bytes, or the label is
    /// not valid UTF-16 / contains characters XML cannot carry.
    /// </exception>
    public static DeviceEntry CreateSigned(uint id, string label, ReadOnlySpan<byte> identitySeed)
    {
        XmlArguments.CheckId(id, nameof(id));
        return new DeviceEntry(id, label, SignLabel(label, identitySeed));
    }

    /// <summary>The 64-byte <c>labelsig</c> of <paramref name="label"/>: <paramref name="identity"/>'s Ed25519 signature of its UTF-8 bytes.</summary>
    /// <exception cref="ArgumentException">The label is not valid UTF-16 or contains characters XML cannot carry.</exception>
    public static byte[] SignLabel(string label, IdentityKeyPair identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var signature = new byte[Ed25519.SignatureSize];
        identity.Sign(LabelBytes(label), signature);
        return signature;
    }

    /// <summary>The 64-byte <c>labelsig</c> of <paramref name="label"/>, signed with the identity key given by its 32-byte Ed25519 seed.</summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="identitySeed"/> is not 32 bytes, or the label is not valid UTF-16 / contains characters XML
    /// cannot carry.
    /// </exception>
    public static byte[] SignLabel(string label, ReadOnlySpan<byte> identitySeed)
    {
        var signature = new byte[Ed25519.SignatureSize];
        Ed25519.Sign(identitySeed, LabelBytes(label), signature);
        return signature;
    }

    private static byte[] LabelBytes(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        XmlArguments.CheckXmlText(label, nameof(label));
        try
        {
            return LabelEncoding.GetBytes(label);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException("The label is not valid UTF-16.", nameof(label));
        }
    }

    private static readonly UTF8Encoding LabelEncoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
