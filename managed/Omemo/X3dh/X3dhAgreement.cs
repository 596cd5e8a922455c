using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Ratchet;

namespace Omemo.X3dh;

/// <summary>
/// X3DH as python-x3dh computes it for OMEMO, with SHA-256 and the info of <typeparamref name="TProfile"/>
/// ("OMEMO X3DH", or "WhisperText" for legacy OMEMO): SK = HKDF(salt = 32 zero bytes, ikm = 0xFF*32 || DH1 || DH2 ||
/// DH3 || DH4, info, 32 bytes) with DH1 = DH(IK_A, SPK_B), DH2 = DH(EK_A, IK_B), DH3 = DH(EK_A, SPK_B),
/// DH4 = DH(EK_A, OPK_B), identity keys in their Curve25519 form for DH; AD = IK_A || IK_B in the profile's encoding,
/// initiator first. The one-time pre-key is mandatory (XEP-0384 4.2). Identity keys are passed in the form the
/// version transfers (<see cref="IProtocolProfile.TransferredIdentity"/>).
/// </summary>
internal static class X3dhAgreement<TProfile> where TProfile : struct, IProtocolProfile
{
    internal const int KeySize = 32;
    private const int IkmSize = 32 + 4 * KeySize;

    /// <summary>Size of the associated data: two encoded identity keys.</summary>
    internal static int AssociatedDataSize => 2 * TProfile.EncodedIdentitySize;

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
        TProfile.IdentityToCurve25519(peerIdentityKey, peerIdentityCurve);
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
            byte[] ownIdentity = TProfile.TransferredIdentity(own);
            int size = TProfile.EncodedIdentitySize;
            TProfile.EncodeIdentity(initiator ? ownIdentity : peerIdentityKey, associatedData[..size]);
            TProfile.EncodeIdentity(initiator ? peerIdentityKey : ownIdentity, associatedData.Slice(size, size));
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
        Hkdf.DeriveKey(ikm, salt, TProfile.X3dhInfo, sharedSecret[..KeySize]);
    }

    private static void CheckKey(ReadOnlySpan<byte> key, string what)
    {
        if (key.Length != KeySize) throw new InvalidKeyException($"The {what} must be {KeySize} bytes.");
    }
}
