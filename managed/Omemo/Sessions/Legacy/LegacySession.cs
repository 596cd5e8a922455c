using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Ratchet;
using Omemo.Ratchet.Legacy;
using Omemo.Wire.Legacy;
using Omemo.X3dh;
using Omemo.Xml.Legacy;

namespace Omemo.Sessions.Legacy;

/// <summary>
/// One legacy OMEMO 0.3 (eu.siacs.conversations.axolotl) session with one remote device, interoperable with
/// python-oldmemo and libsignal v3 (libomemo-c session version 3). It shares X3DH and the Double Ratchet with
/// <see cref="OmemoSession"/> and differs only in its profile: Curve25519 identity keys, the "Whisper..." KDF infos,
/// <c>WhisperMessage</c>/<c>PreKeyWhisperMessage</c> framing with an 8-byte MAC over sender || receiver identity. The
/// initiator repeats the <c>PreKeyWhisperMessage</c> until it decrypted a message from the peer. A failed decryption
/// leaves the session unchanged. Not thread-safe.
/// </summary>
public sealed class LegacySession : IDisposable
{
    /// <summary>The largest key material <see cref="Encrypt"/> accepts (legacy OMEMO uses 32 bytes).</summary>
    public const int MaxKeyMaterialSize = 1024;

    private const int KeySize = 32;
    private readonly RatchetSession<LegacyProfile> _core;

    private LegacySession(RatchetSession<LegacyProfile> core) => _core = core;

    /// <summary>
    /// Starts a session as initiator: verifies the signed pre-key signature (XEdDSA over 0x05 || spk, sign bit in byte 63
    /// accepted as libsignal does), picks a random one-time pre-key (or <paramref name="preKeyId"/>) and runs X3DH. The
    /// first <see cref="Encrypt"/> returns the <c>PreKeyWhisperMessage</c>.
    /// </summary>
    /// <param name="own">This device's identity (the same identity as for OMEMO 2).</param>
    /// <param name="peer">The peer device's legacy bundle.</param>
    /// <param name="preKeyId">The pre-key to use; null picks one at random.</param>
    /// <exception cref="InvalidSignatureException">The signed pre-key signature does not verify.</exception>
    /// <exception cref="MissingPreKeyException">The bundle has no pre-key.</exception>
    /// <exception cref="InvalidKeyException">A bundle key has the wrong size or is of small order.</exception>
    /// <exception cref="ArgumentException"><paramref name="preKeyId"/> is not in the bundle.</exception>
    public static LegacySession Initiate(IdentityKeyPair own, LegacyBundle peer, uint? preKeyId = null)
    {
        PreKeyPublic preKey = CheckBundle(own, peer, preKeyId);
        return new(RatchetSession<LegacyProfile>.Initiate(own, peer.IdentityKey, peer.SignedPreKeyId, peer.SignedPreKey, preKey));
    }

    /// <summary>Initiate with given ephemeral and first ratchet private keys (known-answer tests).</summary>
    internal static LegacySession Initiate(IdentityKeyPair own, LegacyBundle peer, uint? preKeyId,
        ReadOnlySpan<byte> ephemeralPrivate, ReadOnlySpan<byte> ratchetPrivate)
    {
        PreKeyPublic preKey = CheckBundle(own, peer, preKeyId);
        return new(RatchetSession<LegacyProfile>.Initiate(own, peer.IdentityKey, peer.SignedPreKeyId, peer.SignedPreKey,
            preKey.Id, preKey.PublicKey, ephemeralPrivate, ratchetPrivate));
    }

    private static PreKeyPublic CheckBundle(IdentityKeyPair own, LegacyBundle peer, uint? preKeyId)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.IdentityKey is not { Length: KeySize } || peer.SignedPreKey is not { Length: KeySize })
            throw new InvalidKeyException("The bundle's identity key and signed pre-key must be 32 bytes.");
        if (!LegacySignedPreKey.Verify(peer.IdentityKey, peer.SignedPreKey, peer.SignedPreKeySignature))
            throw new InvalidSignatureException("The bundle's signed pre-key signature does not verify.");
        return RatchetSession<LegacyProfile>.ChoosePreKey(peer.PreKeys, preKeyId);
    }

    /// <summary>
    /// Builds a session as responder from a received <c>PreKeyWhisperMessage</c> and decrypts the message in it. The
    /// caller then deletes the used pre-key <see cref="UsedPreKeyId"/> and republishes its bundle.
    /// </summary>
    /// <param name="own">This device's identity.</param>
    /// <param name="keys">Looks up this device's signed pre-key and pre-key by the ids in the message.</param>
    /// <param name="keyExchange">The <c>PreKeyWhisperMessage</c> (0x33 ...).</param>
    /// <param name="keyMaterial">Receives the decrypted key material.</param>
    /// <exception cref="MalformedMessageException">The message is not a valid <c>PreKeyWhisperMessage</c>.</exception>
    /// <exception cref="MissingPreKeyException">The key exchange does not name a pre-key.</exception>
    /// <exception cref="UnknownSignedPreKeyException">The signed pre-key id is unknown.</exception>
    /// <exception cref="UnknownPreKeyException">The pre-key id is unknown (or already used).</exception>
    /// <exception cref="AuthenticationFailedException">The enclosed message does not authenticate.</exception>
    public static LegacySession AcceptKeyExchange(IdentityKeyPair own, IPreKeySource keys, ReadOnlySpan<byte> keyExchange, out byte[] keyMaterial)
        => new(RatchetSession<LegacyProfile>.Accept(own, keys, keyExchange, null, out keyMaterial));

    /// <summary>Like <see cref="AcceptKeyExchange(IdentityKeyPair, IPreKeySource, ReadOnlySpan{byte}, out byte[])"/>, with every ratchet key drawn from <paramref name="ratchetKeys"/> (known-answer tests).</summary>
    internal static LegacySession AcceptKeyExchange(IdentityKeyPair own, IPreKeySource keys, ReadOnlySpan<byte> keyExchange,
        RatchetKeySource ratchetKeys, out byte[] keyMaterial)
        => new(RatchetSession<LegacyProfile>.Accept(own, keys, keyExchange, null, out keyMaterial, ratchetKeys));

    /// <summary>Where the session's next ratchet keys come from (null: random); known-answer tests only, not serialized.</summary>
    internal RatchetKeySource? RatchetKeys
    {
        set => _core.Ratchet.KeySource = value;
    }

    /// <summary>
    /// <see cref="AcceptKeyExchange(IdentityKeyPair, IPreKeySource, ReadOnlySpan{byte}, out byte[])"/> for a whole message: the session is created only when the enclosed key material
    /// and the payload (if any) authenticate. <paramref name="plaintext"/> is null for an empty message.
    /// </summary>
    /// <exception cref="OmemoException">As for <see cref="AcceptKeyExchange(IdentityKeyPair, IPreKeySource, ReadOnlySpan{byte}, out byte[])"/>, or the payload does not authenticate.</exception>
    public static LegacySession AcceptKeyExchangeMessage(IdentityKeyPair own, IPreKeySource keys, ReadOnlySpan<byte> keyExchange,
        byte[]? payload, byte[] iv, out byte[]? plaintext)
    {
        byte[]? opened = null;
        var core = RatchetSession<LegacyProfile>.Accept(own, keys, keyExchange, material => opened = OpenPayload(material, payload, iv), out byte[] keyMaterial);
        CryptographicOperations.ZeroMemory(keyMaterial);
        plaintext = opened;
        return new(core);
    }

    /// <summary>True on the initiator's side until a message from the peer was decrypted.</summary>
    public bool IsKeyExchangePending => _core.IsKeyExchangePending;

    /// <summary>Whether this side started the session.</summary>
    public bool IsInitiator => _core.IsInitiator;

    /// <summary>The peer device's 32-byte Curve25519 identity key (the form legacy OMEMO transfers).</summary>
    public ReadOnlySpan<byte> PeerIdentityKey => _core.PeerIdentityKey;

    /// <summary>The responder's one-time pre-key id used by the key exchange.</summary>
    public uint UsedPreKeyId => _core.KeyExchange.PreKeyId;

    /// <summary>The responder's signed pre-key id used by the key exchange.</summary>
    public uint UsedSignedPreKeyId => _core.KeyExchange.SignedPreKeyId;

    /// <summary>Whether <paramref name="keyExchange"/> is the key exchange this session was built from.</summary>
    public bool IsSameKeyExchange(LegacyPreKeyWhisperMessage keyExchange)
    {
        ArgumentNullException.ThrowIfNull(keyExchange);
        return _core.IsSameKeyExchange(LegacyProfile.FieldsOf(keyExchange));
    }

    /// <summary>
    /// Encrypts key material with the next message key: a <c>PreKeyWhisperMessage</c> while
    /// <see cref="IsKeyExchangePending"/>, otherwise a <c>WhisperMessage</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="keyMaterial"/> is longer than <see cref="MaxKeyMaterialSize"/>.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public byte[] Encrypt(ReadOnlySpan<byte> keyMaterial) => _core.Encrypt(keyMaterial, MaxKeyMaterialSize);

    /// <summary>Decrypts a <c>WhisperMessage</c>; on any failure the session is unchanged.</summary>
    /// <exception cref="MalformedMessageException">Not a valid <c>WhisperMessage</c>.</exception>
    /// <exception cref="AuthenticationFailedException">The MAC does not match.</exception>
    /// <exception cref="DuplicateMessageException">The message key was already used (or evicted).</exception>
    /// <exception cref="TooManySkippedMessagesException">The message skips more than 1000 message keys.</exception>
    public byte[] Decrypt(ReadOnlySpan<byte> whisperMessage) => _core.Decrypt(whisperMessage, null);

    /// <summary>Like <see cref="Decrypt(ReadOnlySpan{byte})"/>, with a check run before the session commits.</summary>
    /// <exception cref="OmemoException">As for <see cref="Decrypt(ReadOnlySpan{byte})"/>, or whatever the check throws.</exception>
    public byte[] Decrypt(ReadOnlySpan<byte> whisperMessage, KeyMaterialCheck? beforeCommit) => _core.Decrypt(whisperMessage, beforeCommit);

    /// <summary>
    /// Decrypts one whole legacy message addressed to this device: the <c>WhisperMessage</c> and, when present, the
    /// AES-128-GCM <c>&lt;payload&gt;</c> with its <c>&lt;iv&gt;</c>. The session advances only when both authenticate.
    /// Returns null for an empty message (a key transport without payload).
    /// </summary>
    /// <exception cref="OmemoException">The key or the payload does not authenticate, or either is malformed.</exception>
    public byte[]? DecryptMessage(ReadOnlySpan<byte> whisperMessage, byte[]? payload, byte[] iv)
    {
        byte[]? plaintext = null;
        byte[] keyMaterial = Decrypt(whisperMessage, material => plaintext = OpenPayload(material, payload, iv));
        CryptographicOperations.ZeroMemory(keyMaterial);
        return plaintext;
    }

    // python-oldmemo sends 16 random bytes as key material of an empty message, libsignal clients 32: any is accepted.
    private static byte[]? OpenPayload(ReadOnlySpan<byte> keyMaterial, byte[]? payload, byte[] iv)
        => payload is null ? null : LegacyPayload.Decrypt(keyMaterial, iv, payload);

    /// <summary>
    /// True when the last decryption was the first message of a new chain with a counter of
    /// <see cref="OmemoSession.HeartbeatThreshold"/> or more: answer with an empty message.
    /// </summary>
    public bool IsHeartbeatDue => _core.IsHeartbeatDue(OmemoSession.HeartbeatThreshold);

    /// <summary>Number of skipped message keys currently stored (at most 1000).</summary>
    public int SkippedMessageKeyCount => _core.SkippedMessageKeyCount;

    /// <summary>Serializes the full session state (contains private keys: store it protected).</summary>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public byte[] Serialize() => _core.Serialize();

    /// <summary>Restores a session written by <see cref="Serialize"/>; an OMEMO 2 session's state is refused.</summary>
    /// <exception cref="MalformedMessageException">The data is truncated, too long, of another version or inconsistent.</exception>
    public static LegacySession Deserialize(ReadOnlySpan<byte> data) => new(RatchetSession<LegacyProfile>.Deserialize(data));

    /// <summary>The ratchet core, for the session manager's repeated key exchanges.</summary>
    internal RatchetSession<LegacyProfile> Core => _core;

    /// <summary>Wipes the session's secrets; further use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _core.Dispose();
}
