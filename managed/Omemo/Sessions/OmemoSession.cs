using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Ratchet;
using Omemo.Wire;
using Omemo.X3dh;

namespace Omemo.Sessions;

/// <summary>
/// One OMEMO 2 Double Ratchet session with one remote device (XEP-0384 section 4), interoperable with
/// python-twomemo. The initiator repeats the <c>OMEMOKeyExchange</c> header on every message until it has
/// decrypted a message from the peer. Decryption commits only on success: a failed <see cref="Decrypt(ReadOnlySpan{byte})"/> leaves
/// the session exactly as it was. Not thread-safe.
/// </summary>
public sealed class OmemoSession : IDisposable
{
    /// <summary>The largest key material <see cref="Encrypt"/> accepts (OMEMO uses 32 or 48 bytes).</summary>
    public const int MaxKeyMaterialSize = 1024;

    private const int KeySize = 32;
    private readonly RatchetSession<OmemoTwoProfile> _core;

    private OmemoSession(RatchetSession<OmemoTwoProfile> core) => _core = core;

    /// <summary>
    /// Starts a session as initiator: verifies the signed pre-key signature, picks a random one-time pre-key
    /// (or <paramref name="preKeyId"/>) and runs X3DH. No message is produced yet; the first <see cref="Encrypt"/>
    /// returns the <c>OMEMOKeyExchange</c>.
    /// </summary>
    /// <param name="own">This device's identity.</param>
    /// <param name="peer">The peer device's bundle.</param>
    /// <param name="preKeyId">The pre-key to use; null picks one at random.</param>
    /// <exception cref="InvalidSignatureException">The signed pre-key signature does not verify.</exception>
    /// <exception cref="MissingPreKeyException">The bundle has no pre-key.</exception>
    /// <exception cref="InvalidKeyException">A bundle key has the wrong size, is not a valid point or is of small order.</exception>
    /// <exception cref="ArgumentException"><paramref name="preKeyId"/> is not in the bundle.</exception>
    public static OmemoSession Initiate(IdentityKeyPair own, Bundle peer, uint? preKeyId = null)
    {
        PreKeyPublic preKey = CheckBundle(own, peer, preKeyId);
        return new(RatchetSession<OmemoTwoProfile>.Initiate(own, peer.IdentityKey, peer.SignedPreKeyId, peer.SignedPreKey, preKey));
    }

    /// <summary>Initiate with given ephemeral and first ratchet private keys (known-answer tests).</summary>
    internal static OmemoSession Initiate(IdentityKeyPair own, Bundle peer, uint? preKeyId,
        ReadOnlySpan<byte> ephemeralPrivate, ReadOnlySpan<byte> ratchetPrivate)
    {
        PreKeyPublic preKey = CheckBundle(own, peer, preKeyId);
        return new(RatchetSession<OmemoTwoProfile>.Initiate(own, peer.IdentityKey, peer.SignedPreKeyId, peer.SignedPreKey,
            preKey.Id, preKey.PublicKey, ephemeralPrivate, ratchetPrivate));
    }

    private static PreKeyPublic CheckBundle(IdentityKeyPair own, Bundle peer, uint? preKeyId)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.IdentityKey is not { Length: KeySize } || peer.SignedPreKey is not { Length: KeySize })
            throw new InvalidKeyException("The bundle's identity key and signed pre-key must be 32 bytes.");
        if (!peer.HasValidSignature())
            throw new InvalidSignatureException("The bundle's signed pre-key signature does not verify.");
        return RatchetSession<OmemoTwoProfile>.ChoosePreKey(peer.PreKeys, preKeyId);
    }

    /// <summary>
    /// Builds a session as responder from a received <c>OMEMOKeyExchange</c> and decrypts the message in it.
    /// The caller then deletes (or hides) the used pre-key <see cref="UsedPreKeyId"/> and republishes its bundle.
    /// </summary>
    /// <param name="own">This device's identity.</param>
    /// <param name="keys">Looks up this device's signed pre-key and pre-key by the ids in the message.</param>
    /// <param name="keyExchange">The serialized <c>OMEMOKeyExchange</c>.</param>
    /// <param name="keyMaterial">Receives the decrypted key material (48 bytes, or 32 zero bytes for an empty message).</param>
    /// <exception cref="MalformedMessageException">The message is not a valid <c>OMEMOKeyExchange</c>.</exception>
    /// <exception cref="MissingPreKeyException">The key exchange does not name a pre-key.</exception>
    /// <exception cref="UnknownSignedPreKeyException">The signed pre-key id is unknown.</exception>
    /// <exception cref="UnknownPreKeyException">The pre-key id is unknown (or already used).</exception>
    /// <exception cref="InvalidKeyException">The identity or ephemeral key is not a valid key.</exception>
    /// <exception cref="AuthenticationFailedException">The enclosed message does not authenticate.</exception>
    /// <exception cref="TooManySkippedMessagesException">The enclosed message skips too many keys.</exception>
    /// <exception cref="DecryptionFailedException">The enclosed ciphertext is malformed.</exception>
    public static OmemoSession AcceptKeyExchange(IdentityKeyPair own, IPreKeySource keys, ReadOnlySpan<byte> keyExchange, out byte[] keyMaterial)
        => AcceptKeyExchange(own, keys, keyExchange, null, out keyMaterial);

    private static OmemoSession AcceptKeyExchange(IdentityKeyPair own, IPreKeySource keys, ReadOnlySpan<byte> keyExchange,
        KeyMaterialCheck? beforeCommit, out byte[] keyMaterial)
        => new(RatchetSession<OmemoTwoProfile>.Accept(own, keys, keyExchange, beforeCommit, out keyMaterial));

    /// <summary>True on the initiator's side until a message from the peer was decrypted; while true,
    /// <see cref="Encrypt"/> wraps every message in an <c>OMEMOKeyExchange</c>.</summary>
    public bool IsKeyExchangePending => _core.IsKeyExchangePending;

    /// <summary>Whether this side started the session (ran X3DH actively).</summary>
    public bool IsInitiator => _core.IsInitiator;

    /// <summary>The peer device's 32-byte Ed25519 identity key.</summary>
    public ReadOnlySpan<byte> PeerIdentityKey => _core.PeerIdentityKey;

    /// <summary>The responder's one-time pre-key id used by the key exchange.</summary>
    public uint UsedPreKeyId => _core.KeyExchange.PreKeyId;

    /// <summary>The responder's signed pre-key id used by the key exchange.</summary>
    public uint UsedSignedPreKeyId => _core.KeyExchange.SignedPreKeyId;

    /// <summary>The initiator's 32-byte X3DH ephemeral public key (ek) of the key exchange that built this session.</summary>
    public ReadOnlySpan<byte> KeyExchangeEphemeral => _core.KeyExchange.EphemeralKey;

    /// <summary>
    /// Whether <paramref name="keyExchange"/> is the key exchange this session was built from (same identity key,
    /// ephemeral key, signed pre-key id and pre-key id, as python-twomemo compares). A repeated key exchange is
    /// processed by decrypting only its <see cref="OmemoKeyExchange.Message"/> with <see cref="Decrypt(ReadOnlySpan{byte})"/>;
    /// a different one builds a new session (XEP-0384 4.3).
    /// </summary>
    public bool IsSameKeyExchange(OmemoKeyExchange keyExchange)
    {
        ArgumentNullException.ThrowIfNull(keyExchange);
        return _core.IsSameKeyExchange(OmemoTwoProfile.FieldsOf(keyExchange));
    }

    /// <summary>
    /// Encrypts key material (32-byte key || 16-byte payload MAC, or 32 zero bytes for an empty OMEMO message)
    /// with the next message key. Returns <c>OMEMOKeyExchange</c> bytes while <see cref="IsKeyExchangePending"/>,
    /// otherwise <c>OMEMOAuthenticatedMessage</c> bytes.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="keyMaterial"/> is longer than <see cref="MaxKeyMaterialSize"/>.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public byte[] Encrypt(ReadOnlySpan<byte> keyMaterial) => _core.Encrypt(keyMaterial, MaxKeyMaterialSize);

    /// <summary>
    /// Decrypts an <c>OMEMOAuthenticatedMessage</c> and returns the key material. On success an initiator's pending
    /// key exchange is confirmed; on any failure the session is unchanged.
    /// </summary>
    /// <exception cref="MalformedMessageException">Not a valid <c>OMEMOAuthenticatedMessage</c>/<c>OMEMOMessage</c> or too large.</exception>
    /// <exception cref="AuthenticationFailedException">The MAC does not match.</exception>
    /// <exception cref="DuplicateMessageException">The message key was already used (or evicted).</exception>
    /// <exception cref="TooManySkippedMessagesException">The message skips more than 1000 message keys.</exception>
    /// <exception cref="InvalidKeyException">The message's ratchet key is of small order.</exception>
    /// <exception cref="DecryptionFailedException">The authenticated ciphertext has invalid padding.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public byte[] Decrypt(ReadOnlySpan<byte> authenticatedMessage) => Decrypt(authenticatedMessage, null);

    /// <summary>
    /// Like <see cref="Decrypt(ReadOnlySpan{byte})"/>, but calls <paramref name="beforeCommit"/> with the decrypted key
    /// material before the session advances. When the check throws (e.g. the payload does not authenticate), its
    /// exception propagates and the session is unchanged, so a message is accepted as a whole or not at all.
    /// </summary>
    /// <exception cref="OmemoException">As for <see cref="Decrypt(ReadOnlySpan{byte})"/>, or whatever the check throws.</exception>
    public byte[] Decrypt(ReadOnlySpan<byte> authenticatedMessage, KeyMaterialCheck? beforeCommit) => _core.Decrypt(authenticatedMessage, beforeCommit);

    /// <summary>
    /// Decrypts one whole OMEMO message addressed to this device: the <c>&lt;key&gt;</c> element's
    /// <c>OMEMOAuthenticatedMessage</c> and, when present, the shared <c>&lt;payload&gt;</c>. The session advances only
    /// when both authenticate. Returns the plaintext, or null for an empty OMEMO message (no payload; the key
    /// material must then be 32 zero bytes, XEP-0384 section 4.5).
    /// </summary>
    /// <exception cref="AuthenticationFailedException">The key or the payload does not authenticate.</exception>
    /// <exception cref="MalformedMessageException">The message or payload is malformed, or an empty message carries key material.</exception>
    public byte[]? DecryptMessage(ReadOnlySpan<byte> authenticatedMessage, byte[]? payload)
    {
        byte[]? plaintext = null;
        byte[] keyMaterial = Decrypt(authenticatedMessage, material => plaintext = OpenPayload(material, payload));
        CryptographicOperations.ZeroMemory(keyMaterial);
        return plaintext;
    }

    /// <summary>
    /// <see cref="AcceptKeyExchange(IdentityKeyPair, IPreKeySource, ReadOnlySpan{byte}, out byte[])"/> for a whole message:
    /// the session is created only when the enclosed key material and the <paramref name="payload"/> (if any)
    /// authenticate. <paramref name="plaintext"/> is null for an empty OMEMO message.
    /// </summary>
    /// <exception cref="OmemoException">As for the key-material overload, or the payload does not authenticate.</exception>
    public static OmemoSession AcceptKeyExchangeMessage(IdentityKeyPair own, IPreKeySource keys, ReadOnlySpan<byte> keyExchange,
        byte[]? payload, out byte[]? plaintext)
    {
        byte[]? opened = null;
        OmemoSession session = AcceptKeyExchange(own, keys, keyExchange, material => opened = OpenPayload(material, payload), out byte[] keyMaterial);
        CryptographicOperations.ZeroMemory(keyMaterial);
        plaintext = opened;
        return session;
    }

    private static byte[]? OpenPayload(ReadOnlySpan<byte> keyMaterial, byte[]? payload)
    {
        if (payload is not null) return OmemoPayload.Decrypt(keyMaterial, payload);
        if (keyMaterial.Length != OmemoPayload.EmptyKeyMaterialSize || keyMaterial.IndexOfAnyExcept((byte)0) >= 0)
            throw new MalformedMessageException("A message without payload must carry 32 zero bytes of key material.");
        return null;
    }

    /// <summary>The version-independent session, for <see cref="SessionBatchEncryptor"/>.</summary>
    internal RatchetSession<OmemoTwoProfile> Core => _core;

    /// <summary>The counter from which the first message of a new receiving chain requires a heartbeat (XEP-0384 section 7).</summary>
    public const uint HeartbeatThreshold = 53;

    /// <summary>
    /// True when the last successful decryption was the first message received for a new ratchet key and its counter
    /// was <see cref="HeartbeatThreshold"/> or more: the application must answer with an empty OMEMO message (a
    /// heartbeat) so the peer's ratchet moves forward. Transient: not part of <see cref="Serialize"/>.
    /// </summary>
    public bool IsHeartbeatDue => _core.IsHeartbeatDue(HeartbeatThreshold);

    /// <summary>Number of skipped message keys currently stored (at most 1000).</summary>
    public int SkippedMessageKeyCount => _core.SkippedMessageKeyCount;

    /// <summary>
    /// Serializes the full session state (compact versioned binary format, version 1). The result contains
    /// private keys: store it protected and wipe it after use.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public byte[] Serialize() => _core.Serialize();

    /// <summary>Restores a session written by <see cref="Serialize"/>.</summary>
    /// <exception cref="MalformedMessageException">The data is truncated, too long, of an unknown version or inconsistent.</exception>
    public static OmemoSession Deserialize(ReadOnlySpan<byte> data) => new(RatchetSession<OmemoTwoProfile>.Deserialize(data));

    /// <summary>Wipes the session's secrets; further use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _core.Dispose();
}
