using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Errors;

namespace Omemo.X3dh;

/// <summary>
/// X3DH with the OMEMO 2 parameters, as python-x3dh computes it with <c>IdentityKeyFormat.ED_25519</c>,
/// SHA-256 and info "OMEMO X3DH": SK = HKDF(salt = 32 zero bytes, ikm = 0xFF*32 || DH1 || DH2 || DH3 || DH4,
/// info, 32 bytes) with DH1 = DH(IK_A, SPK_B), DH2 = DH(EK_A, IK_B), DH3 = DH(EK_A, SPK_B), DH4 = DH(EK_A, OPK_B),
/// identity keys converted to Curve25519 for DH; AD = IK_A || IK_B (Ed25519 encodings, initiator first).
/// The one-time pre-key is mandatory (XEP-0384 4.2).
/// </summary>
internal static class X3dhAgreement
{
    internal const int KeySize = 32;
    internal const int AssociatedDataSize = 2 * KeySize;
    private const int IkmSize = 32 + 4 * KeySize;

    internal static ReadOnlySpan<byte> Info => "OMEMO X3DH"u8;

    /// <summary>Initiator side (Alice). <paramref name="ephemeralPrivateKey"/> is EK_A's private key.</summary>
    internal static void Initiate(IdentityKeyPair own, ReadOnlySpan<byte> peerIdentityKey, ReadOnlySpan<byte> peerSignedPreKey,
        ReadOnlySpan<byte> peerPreKey, ReadOnlySpan<byte> ephemeralPrivateKey, Span<byte> sharedSecret, Span<byte> associatedData)
    {
        CheckKey(peerSignedPreKey, "signed pre-key");
        CheckKey(peerPreKey, "pre-key");
        Agree(initiator: true, own, peerIdentityKey, ephemeralPrivateKey, peerSignedPreKey, peerPreKey, sharedSecret, associatedData);
    }

    /// <summary>Responder side (Bob), from the initiator's identity key and ephemeral key.</summary>
    internal static void Respond(IdentityKeyPair own, ReadOnlySpan<byte> peerIdentityKey, ReadOnlySpan<byte> peerEphemeralKey,
        ReadOnlySpan<byte> signedPreKeyPrivate, ReadOnlySpan<byte> preKeyPrivate, Span<byte> sharedSecret, Span<byte> associatedData)
    {
        CheckKey(peerEphemeralKey, "ephemeral key");
        Agree(initiator: false, own, peerIdentityKey, signedPreKeyPrivate, peerEphemeralKey, preKeyPrivate, sharedSecret, associatedData);
    }

    /// <summary>
    /// Both sides: ikm = 0xFF*32 || DH1 || DH2 || DH3 || DH4, SK from it, and AD with the initiator's identity first.
    /// The initiator passes EK_A's private key, SPK_B and OPK_B; the responder SPK_B's private key, EK_A and OPK_B's
    /// private key. Each side computes every DH with its own private half.
    /// </summary>
    private static void Agree(bool initiator, IdentityKeyPair own, ReadOnlySpan<byte> peerIdentityKey, ReadOnlySpan<byte> ownPrivateKey,
        ReadOnlySpan<byte> peerPublicKey, ReadOnlySpan<byte> preKey, Span<byte> sharedSecret, Span<byte> associatedData)
    {
        Span<byte> peerIdentityCurve = stackalloc byte[KeySize];
        ConvertIdentity(peerIdentityKey, peerIdentityCurve);
        Span<byte> ikm = stackalloc byte[IkmSize];
        Span<byte> ownIdentityPrivate = stackalloc byte[KeySize];
        try
        {
            ikm[..32].Fill(0xFF);
            own.CopyCurve25519PrivateKeyTo(ownIdentityPrivate);
            Span<byte> dh1 = ikm.Slice(32, KeySize), dh2 = ikm.Slice(64, KeySize), dh3 = ikm.Slice(96, KeySize), dh4 = ikm.Slice(128, KeySize);
            if (initiator)
            {
                // ownPrivateKey = EK_A, peerPublicKey = SPK_B, preKey = OPK_B.
                X25519.Agree(ownIdentityPrivate, peerPublicKey, dh1);
                X25519.Agree(ownPrivateKey, peerIdentityCurve, dh2);
                X25519.Agree(ownPrivateKey, peerPublicKey, dh3);
                X25519.Agree(ownPrivateKey, preKey, dh4);
            }
            else
            {
                // ownPrivateKey = SPK_B, peerPublicKey = EK_A, preKey = OPK_B (private).
                X25519.Agree(ownPrivateKey, peerIdentityCurve, dh1);
                X25519.Agree(ownIdentityPrivate, peerPublicKey, dh2);
                X25519.Agree(ownPrivateKey, peerPublicKey, dh3);
                X25519.Agree(preKey, peerPublicKey, dh4);
            }
            Derive(ikm, sharedSecret);
            ReadOnlySpan<byte> initiatorIdentity = initiator ? own.PublicKey : peerIdentityKey;
            ReadOnlySpan<byte> responderIdentity = initiator ? peerIdentityKey : own.PublicKey;
            initiatorIdentity.CopyTo(associatedData);
            responderIdentity.CopyTo(associatedData[KeySize..]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
            CryptographicOperations.ZeroMemory(ownIdentityPrivate);
        }
    }

    private static void Derive(ReadOnlySpan<byte> ikm, Span<byte> sharedSecret)
    {
        Span<byte> salt = stackalloc byte[32];
        salt.Clear();
        Hkdf.DeriveKey(ikm, salt, Info, sharedSecret[..KeySize]);
    }

    private static void ConvertIdentity(ReadOnlySpan<byte> ed25519, Span<byte> curve25519)
    {
        if (!KeyConversion.TryEd25519PublicKeyToCurve25519(ed25519, curve25519))
            throw new InvalidKeyException("The identity key is not a valid Ed25519 public key.");
    }

    private static void CheckKey(ReadOnlySpan<byte> key, string what)
    {
        if (key.Length != KeySize) throw new InvalidKeyException($"The {what} must be {KeySize} bytes.");
    }
}
