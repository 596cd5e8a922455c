using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Ratchet;
using Omemo.X3dh;

namespace Omemo.Sessions;

/// <summary>
/// The version-independent part of a session with one remote device: X3DH, the Double Ratchet, the key exchange the
/// initiator repeats until the peer answers, the associated data per direction, and the serialized state. The public
/// session types (<see cref="OmemoSession"/>, <see cref="Legacy.LegacySession"/>) wrap one of these with their
/// version's profile. Decryption commits only on success. Not thread-safe.
/// </summary>
internal sealed class RatchetSession<TProfile> : IDisposable where TProfile : struct, IProtocolProfile
{
    private const int KeySize = 32;
    private const int MaxSerializedSize = 128 * 1024;
    private const byte FlagInitiator = 1, FlagPending = 2;

    private readonly DoubleRatchet<TProfile> _ratchet;
    private readonly byte[] _associatedData;   // X3DH's: initiator first
    private readonly byte[] _sendingAd;        // what our messages are MACed with
    private readonly byte[] _receivingAd;      // what the peer's messages are MACed with
    private readonly bool _isInitiator;
    private readonly KeyExchangeFields _keyExchange;
    private bool _pending;
    private bool _disposed;

    private RatchetSession(DoubleRatchet<TProfile> ratchet, byte[] associatedData, bool isInitiator, bool pending, KeyExchangeFields keyExchange)
    {
        _ratchet = ratchet;
        _associatedData = associatedData;
        _isInitiator = isInitiator;
        _pending = pending;
        _keyExchange = keyExchange;
        _sendingAd = _receivingAd = associatedData;
        if (TProfile.SenderFirstAssociatedData)
        {
            byte[] swapped = Swap(associatedData);
            if (isInitiator) _receivingAd = swapped;
            else _sendingAd = swapped;
        }
    }

    /// <summary>
    /// The pre-key with id <paramref name="preKeyId"/>, or a random one (<see cref="RandomNumberGenerator"/>).
    /// </summary>
    /// <exception cref="MissingPreKeyException">There is no pre-key.</exception>
    /// <exception cref="ArgumentException">No pre-key has the requested id.</exception>
    /// <exception cref="InvalidKeyException">The chosen pre-key is not 32 bytes.</exception>
    internal static PreKeyPublic ChoosePreKey(IReadOnlyList<PreKeyPublic>? preKeys, uint? preKeyId)
    {
        if (preKeys is null || preKeys.Count == 0) throw new MissingPreKeyException("The bundle has no pre-key.");
        PreKeyPublic? preKey = preKeyId is uint wanted
            ? preKeys.FirstOrDefault(p => p is not null && p.Id == wanted)
              ?? throw new ArgumentException("The bundle has no pre-key with this id.", nameof(preKeyId))
            : preKeys[RandomNumberGenerator.GetInt32(preKeys.Count)];
        if (preKey?.PublicKey is not { Length: KeySize }) throw new InvalidKeyException("The bundle's pre-key must be 32 bytes.");
        return preKey;
    }

    /// <summary>Initiates with a fresh X3DH ephemeral key and first ratchet key.</summary>
    internal static RatchetSession<TProfile> Initiate(IdentityKeyPair own, byte[] peerIdentity, uint signedPreKeyId, byte[] signedPreKey,
        PreKeyPublic preKey)
    {
        Span<byte> ephemeral = stackalloc byte[KeySize];
        Span<byte> ratchetKey = stackalloc byte[KeySize];
        try
        {
            X25519.GeneratePrivateKey(ephemeral);
            X25519.GeneratePrivateKey(ratchetKey);
            return Initiate(own, peerIdentity, signedPreKeyId, signedPreKey, preKey.Id, preKey.PublicKey, ephemeral, ratchetKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeral);
            CryptographicOperations.ZeroMemory(ratchetKey);
        }
    }

    /// <summary>Runs X3DH as initiator against the given peer keys (already validated by the caller) and sets up the ratchet.</summary>
    internal static RatchetSession<TProfile> Initiate(IdentityKeyPair own, byte[] peerIdentity, uint signedPreKeyId, byte[] signedPreKey,
        uint preKeyId, byte[] preKey, ReadOnlySpan<byte> ephemeralPrivate, ReadOnlySpan<byte> ratchetPrivate)
    {
        Span<byte> sharedSecret = stackalloc byte[KeySize];
        byte[] ad = new byte[X3dhAgreement<TProfile>.AssociatedDataSize];
        try
        {
            X3dhAgreement<TProfile>.Initiate(own, peerIdentity, signedPreKey, preKey, ephemeralPrivate, sharedSecret, ad);
            var ratchet = DoubleRatchet<TProfile>.CreateInitiator(sharedSecret, signedPreKey, ratchetPrivate);
            byte[] ephemeralPublic = new byte[KeySize];
            X25519.DerivePublicKey(ephemeralPrivate, ephemeralPublic);
            var fields = new KeyExchangeFields(preKeyId, signedPreKeyId, TProfile.TransferredIdentity(own), ephemeralPublic);
            return new RatchetSession<TProfile>(ratchet, ad, isInitiator: true, pending: true, fields);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    /// <summary>Builds the responder's session from a received key exchange and decrypts the message in it.</summary>
    internal static RatchetSession<TProfile> Accept(IdentityKeyPair own, IPreKeySource keys, ReadOnlySpan<byte> keyExchange,
        KeyMaterialCheck? beforeCommit, out byte[] keyMaterial, RatchetKeySource? ratchetKeys = null)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(keys);
        (KeyExchangeFields kex, RatchetMessage first) = TProfile.ParseKeyExchange(keyExchange);
        SignedPreKey signedPreKey = keys.GetSignedPreKey(kex.SignedPreKeyId)
            ?? throw new UnknownSignedPreKeyException("The key exchange uses an unknown signed pre-key.");
        PreKey preKey = keys.GetPreKey(kex.PreKeyId)
            ?? throw new UnknownPreKeyException("The key exchange uses an unknown pre-key.");

        Span<byte> sharedSecret = stackalloc byte[KeySize];
        Span<byte> ratchetKey = stackalloc byte[KeySize];
        byte[] ad = new byte[X3dhAgreement<TProfile>.AssociatedDataSize];
        DoubleRatchet<TProfile>? ratchet = null;
        try
        {
            X3dhAgreement<TProfile>.Respond(own, kex.IdentityKey, kex.EphemeralKey, signedPreKey.PrivateKey, preKey.PrivateKey, sharedSecret, ad);
            if (ratchetKeys is not null) ratchetKeys(ratchetKey);
            else X25519.GeneratePrivateKey(ratchetKey);
            ratchet = DoubleRatchet<TProfile>.CreateResponder(sharedSecret, signedPreKey.PrivateKey, first.RatchetKey, ratchetKey);
            ratchet.KeySource = ratchetKeys;
            // The first message is MACed sender (= initiator) first in every version, i.e. with X3DH's AD as it is.
            keyMaterial = ratchet.Decrypt(first, ad, beforeCommit);
            var session = new RatchetSession<TProfile>(ratchet, ad, isInitiator: false, pending: false, kex);
            ratchet = null;
            return session;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
            CryptographicOperations.ZeroMemory(ratchetKey);
            ratchet?.Dispose();
        }
    }

    internal bool IsKeyExchangePending => _pending;

    internal bool IsInitiator => _isInitiator;

    /// <summary>The peer's identity key in the transferred form.</summary>
    internal ReadOnlySpan<byte> PeerIdentityKey
    {
        get
        {
            int size = TProfile.EncodedIdentitySize;
            ReadOnlySpan<byte> encoded = _isInitiator ? _associatedData.AsSpan(size, size) : _associatedData.AsSpan(0, size);
            return encoded[(size - KeySize)..];
        }
    }

    internal KeyExchangeFields KeyExchange => _keyExchange;

    internal DoubleRatchet<TProfile> Ratchet
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _ratchet;
        }
    }

    /// <summary>The stamp of the last batch encryption that took this session (duplicate detection).</summary>
    internal long BatchStamp { get; set; }

    /// <summary>The associated data our messages are MACed with.</summary>
    internal ReadOnlySpan<byte> SendingAssociatedData => _sendingAd;

    internal bool IsSameKeyExchange(in KeyExchangeFields other) =>
        other.PreKeyId == _keyExchange.PreKeyId && other.SignedPreKeyId == _keyExchange.SignedPreKeyId
        && other.IdentityKey.AsSpan().SequenceEqual(_keyExchange.IdentityKey)
        && other.EphemeralKey.AsSpan().SequenceEqual(_keyExchange.EphemeralKey);

    internal byte[] Encrypt(ReadOnlySpan<byte> keyMaterial, int maxKeyMaterialSize)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (keyMaterial.Length > maxKeyMaterialSize)
            throw new ArgumentException($"Key material is at most {maxKeyMaterialSize} bytes.", nameof(keyMaterial));
        byte[] message = _ratchet.Encrypt(keyMaterial, _sendingAd);
        return _pending ? TProfile.WrapKeyExchange(_keyExchange, message) : message;
    }

    internal byte[] Decrypt(ReadOnlySpan<byte> message, KeyMaterialCheck? beforeCommit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte[] plaintext = _ratchet.Decrypt(message, _receivingAd, beforeCommit);
        _pending = false;
        return plaintext;
    }

    /// <summary>Decrypts the ratchet message inside a repeated key exchange of this very session.</summary>
    internal byte[] Decrypt(RatchetMessage message, KeyMaterialCheck? beforeCommit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte[] plaintext = _ratchet.Decrypt(message, _receivingAd, beforeCommit);
        _pending = false;
        return plaintext;
    }

    internal int SkippedMessageKeyCount => _ratchet.SkippedKeyCount;

    internal bool IsHeartbeatDue(uint threshold) => _ratchet.LastNewChainCounter >= threshold;

    /// <summary>Format: tag, flags, AD, pre-key id, signed pre-key id, initiator identity, ephemeral, ratchet state.</summary>
    internal byte[] Serialize()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int identitySize = _keyExchange.IdentityKey.Length;
        byte[] data = new byte[1 + 1 + _associatedData.Length + 4 + 4 + identitySize + KeySize + _ratchet.SerializedSize];
        var w = new StateWriter(data);
        w.WriteByte(TProfile.StateFormat);
        w.WriteByte((byte)((_isInitiator ? FlagInitiator : 0) | (_pending ? FlagPending : 0)));
        w.Write(_associatedData);
        w.WriteUInt32(_keyExchange.PreKeyId);
        w.WriteUInt32(_keyExchange.SignedPreKeyId);
        w.Write(_keyExchange.IdentityKey);
        w.Write(_keyExchange.EphemeralKey);
        _ratchet.WriteTo(ref w);
        if (w.Position != data.Length) throw new InvalidOperationException("Session size mismatch.");
        return data;
    }

    internal static RatchetSession<TProfile> Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxSerializedSize) throw new MalformedMessageException("The serialized session state is too large.");
        var r = new StateReader(data);
        if (r.ReadByte() != TProfile.StateFormat) throw new MalformedMessageException("Unknown session state version.");
        byte flags = r.ReadByte();
        if ((flags & ~(FlagInitiator | FlagPending)) != 0) throw new MalformedMessageException("The serialized session state is invalid.");
        bool isInitiator = (flags & FlagInitiator) != 0;
        bool pending = (flags & FlagPending) != 0;
        if (pending && !isInitiator) throw new MalformedMessageException("The serialized session state is invalid.");
        byte[] ad = r.ReadArray(X3dhAgreement<TProfile>.AssociatedDataSize);
        uint preKeyId = r.ReadUInt32();
        uint signedPreKeyId = r.ReadUInt32();
        byte[] identity = r.ReadArray(KeySize);
        byte[] ephemeral = r.ReadArray(KeySize);
        Span<byte> encoded = stackalloc byte[TProfile.EncodedIdentitySize];
        TProfile.EncodeIdentity(identity, encoded);
        if (!encoded.SequenceEqual(ad.AsSpan(0, encoded.Length)))
            throw new MalformedMessageException("The serialized session state is inconsistent.");
        var ratchet = DoubleRatchet<TProfile>.ReadFrom(ref r);
        if (!r.AtEnd)
        {
            ratchet.Dispose();
            throw new MalformedMessageException("The serialized session state has trailing bytes.");
        }
        return new RatchetSession<TProfile>(ratchet, ad, isInitiator, pending, new KeyExchangeFields(preKeyId, signedPreKeyId, identity, ephemeral));
    }

    private static byte[] Swap(byte[] associatedData)
    {
        int half = associatedData.Length / 2;
        return [.. associatedData.AsSpan(half), .. associatedData.AsSpan(0, half)];
    }

    public void Dispose()
    {
        _disposed = true;
        _ratchet.Dispose();
    }
}
