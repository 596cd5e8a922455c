using Omemo.X3dh;

namespace Omemo.Xml.Legacy;

/// <summary>
/// The public part of a legacy OMEMO 0.3 bundle as carried by <see cref="LegacyBundleXml"/>. All keys are raw
/// 32-byte Curve25519 (Montgomery) public keys: the XML layer validates and strips the 0x05 type byte of the wire
/// form, as python-oldmemo's <c>StateImpl.parse_public_key</c> does, and adds it back when writing.
/// </summary>
/// <param name="IdentityKey">
/// The identity key in Curve25519 form (legacy bundles do not carry the Ed25519 form; converting it needs the sign
/// bit that senders hide in <paramref name="SignedPreKeySignature"/>).
/// </param>
/// <param name="SignedPreKeyId">The signed pre-key id, in 1..2^31-1.</param>
/// <param name="SignedPreKey">The signed pre-key, 32 bytes of Curve25519.</param>
/// <param name="SignedPreKeySignature">
/// The 64-byte XEdDSA signature over the signed pre-key's 33-byte wire form, verbatim: python-oldmemo stores the
/// sign bit of the Ed25519 identity key in the top bit of byte 63, so that bit is the engine's to interpret.
/// </param>
/// <param name="PreKeys">The one-time pre-keys (32-byte Curve25519 each) with their distinct ids.</param>
public sealed record LegacyBundle(
    byte[] IdentityKey, uint SignedPreKeyId, byte[] SignedPreKey, byte[] SignedPreKeySignature, IReadOnlyList<PreKeyPublic> PreKeys);
