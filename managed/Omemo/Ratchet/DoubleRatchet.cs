using System.Security.Cryptography;
using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Sessions;

namespace Omemo.Ratchet;

/// <summary>
/// The Double Ratchet, step for step as python-doubleratchet 1.0 runs it for python-twomemo and python-oldmemo, with
/// the KDF infos and message framing of <typeparamref name="TProfile"/>: the initiator starts with a fresh ratchet key against the peer's signed pre-key, the
/// responder uses its signed pre-key as first ratchet key. Decryption works on copies and commits only when
/// the message authenticated, so a failed decryption leaves the state untouched.
/// </summary>
internal sealed class DoubleRatchet<TProfile> : IDisposable where TProfile : struct, IProtocolProfile
{
    /// <summary>The most message keys one message may make us derive and store (per chain, as python-doubleratchet).</summary>
    internal const int MaxSkip = 1000;

    /// <summary>The most skipped message keys kept per session; the oldest are evicted first.</summary>
    internal const int MaxStoredSkippedKeys = 1000;

    /// <summary>How many earlier receiving ratchet keys are remembered, to recognise replays of old chains.</summary>
    internal const int MaxPreviousReceivingKeys = 8;

    private const int KeySize = RatchetKdf.KeySize;

    private readonly byte[] _rootKey = new byte[KeySize];
    private readonly byte[] _ownPrivate = new byte[KeySize];
    private byte[] _ownPublic = new byte[KeySize];
    private byte[] _otherPublic = new byte[KeySize];
    private readonly byte[] _sendingChainKey = new byte[KeySize];
    private uint _sendingN;
    private uint _previousSendingN;
    private byte[]? _receivingChainKey;
    private uint _receivingN;
    private readonly List<SkippedKey> _skipped = [];
    private readonly List<byte[]> _previousReceivingKeys = [];

    private readonly record struct SkippedKey(byte[] RatchetKey, uint N, byte[] MessageKey);

    private DoubleRatchet() { }

    /// <summary>Where new ratchet private keys come from (null: <see cref="X25519.GeneratePrivateKey"/>); tests only.</summary>
    internal RatchetKeySource? KeySource { get; set; }

    /// <summary>Number of skipped message keys currently stored.</summary>
    internal int SkippedKeyCount => _skipped.Count;

    /// <summary>The next message number of the sending chain.</summary>
    internal uint SendingChainLength => _sendingN;

    /// <summary>
    /// The counter of the last decrypted message when it was the first one received for a new ratchet key; null
    /// when the last decryption stayed on a known chain. Transient (not serialized).
    /// </summary>
    internal uint? LastNewChainCounter { get; private set; }

    /// <summary>Initiator: root key = SK, fresh ratchet key pair, sending chain from DH(own, peer SPK).</summary>
    internal static DoubleRatchet<TProfile> CreateInitiator(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> peerSignedPreKey, ReadOnlySpan<byte> ownRatchetPrivate)
        => Create(sharedSecret, peerSignedPreKey, ownRatchetPrivate, withReceivingChain: false, signedPreKeyPrivate: default);

    /// <summary>
    /// Responder: receiving chain from DH(SPK, peer ratchet key), then a fresh ratchet key pair and the sending chain
    /// from DH(new, peer ratchet key).
    /// </summary>
    internal static DoubleRatchet<TProfile> CreateResponder(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> signedPreKeyPrivate,
        ReadOnlySpan<byte> peerRatchetKey, ReadOnlySpan<byte> ownRatchetPrivate)
        => Create(sharedSecret, peerRatchetKey, ownRatchetPrivate, withReceivingChain: true, signedPreKeyPrivate);

    /// <summary>
    /// Root key = SK and the peer's ratchet key = <paramref name="otherPublic"/>; for the responder first the receiving
    /// chain from DH(<paramref name="signedPreKeyPrivate"/>, other); then, for both, the own ratchet key pair from
    /// <paramref name="ownRatchetPrivate"/> and the sending chain from DH(own, other). Disposed again if a step fails.
    /// </summary>
    private static DoubleRatchet<TProfile> Create(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> otherPublic, ReadOnlySpan<byte> ownRatchetPrivate,
        bool withReceivingChain, ReadOnlySpan<byte> signedPreKeyPrivate)
    {
        var r = new DoubleRatchet<TProfile>();
        sharedSecret.CopyTo(r._rootKey);
        r._otherPublic = otherPublic.ToArray();
        if (withReceivingChain) r._receivingChainKey = new byte[KeySize];
        Span<byte> dh = stackalloc byte[KeySize];
        try
        {
            if (withReceivingChain)
            {
                X25519.Agree(signedPreKeyPrivate, r._otherPublic, dh);
                RatchetKdf.RootStep(TProfile.RootInfo, r._rootKey, dh, r._receivingChainKey!);
            }
            ownRatchetPrivate.CopyTo(r._ownPrivate);
            X25519.DerivePublicKey(r._ownPrivate, r._ownPublic);
            X25519.Agree(r._ownPrivate, r._otherPublic, dh);
            RatchetKdf.RootStep(TProfile.RootInfo, r._rootKey, dh, r._sendingChainKey);
        }
        catch
        {
            r.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dh);
        }
        return r;
    }

    // ---- batch encryption (Sessions/SessionBatchEncryptor): read the sending state, compute outside, commit after ----

    /// <summary>The current sending chain key (read by the batch path; never handed out beyond the engine).</summary>
    internal ReadOnlySpan<byte> SendingChainKey => _sendingChainKey;

    /// <summary>The number of messages in the previous sending chain (the header's pn).</summary>
    internal uint PreviousSendingChainLength => _previousSendingN;

    /// <summary>The own ratchet public key (the header's dh_pub).</summary>
    internal ReadOnlySpan<byte> OwnRatchetPublicKey => _ownPublic;

    /// <summary>Commits one message encrypted outside: the chain key becomes <paramref name="nextChainKey"/> and n advances.</summary>
    internal void CommitSendingStep(ReadOnlySpan<byte> nextChainKey)
    {
        if (_sendingN == uint.MaxValue) throw new InvalidOperationException("The sending chain is exhausted.");
        nextChainKey.CopyTo(_sendingChainKey);
        _sendingN++;
    }

    /// <summary>Encrypts with the next sending message key and advances the sending chain; returns the framed message.</summary>
    internal byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        if (_sendingN == uint.MaxValue) throw new InvalidOperationException("The sending chain is exhausted.");
        Span<byte> messageKey = stackalloc byte[KeySize];
        try
        {
            RatchetKdf.ChainStep(_sendingChainKey, messageKey);
            uint n = _sendingN++;
            return RatchetAead<TProfile>.Seal(messageKey, associatedData, n, _previousSendingN, _ownPublic, plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(messageKey);
        }
    }

    /// <summary>Decrypts a framed ratchet message; the state changes only if it succeeds.</summary>
    internal byte[] Decrypt(ReadOnlySpan<byte> message, ReadOnlySpan<byte> associatedData, KeyMaterialCheck? beforeCommit = null)
        => Decrypt(TProfile.Parse(message), associatedData, beforeCommit);

    /// <inheritdoc cref="Decrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, KeyMaterialCheck)"/>
    internal byte[] Decrypt(RatchetMessage message, ReadOnlySpan<byte> associatedData, KeyMaterialCheck? beforeCommit = null)
    {
        if (message.N == uint.MaxValue) throw new MalformedMessageException("The message number is out of range.");

        int index = FindSkipped(message.RatchetKey, message.N);
        if (index >= 0)
        {
            byte[] plaintext = RatchetAead<TProfile>.Open(_skipped[index].MessageKey, associatedData, message);
            RunCheck(beforeCommit, plaintext);
            LastNewChainCounter = null;
            CryptographicOperations.ZeroMemory(_skipped[index].MessageKey);
            _skipped.RemoveAt(index);
            return plaintext;
        }

        bool sameChain = _receivingChainKey is not null && message.RatchetKey.AsSpan().SequenceEqual(_otherPublic);
        if (!sameChain && IsPreviousReceivingKey(message.RatchetKey))
            throw new DuplicateMessageException("The message belongs to an earlier chain and its key was already used or evicted.");

        var pending = new Pending();
        try
        {
            uint receivingN;
            if (sameChain)
            {
                pending.ReceivingChainKey = (byte[])_receivingChainKey!.Clone();
                receivingN = _receivingN;
                if (message.N < receivingN)
                    throw new DuplicateMessageException("The message key was already used or evicted.");
            }
            else
            {
                // Keys left in the old receiving chain up to pn. Like python-doubleratchet, more than MAX_SKIP are
                // not derived (they are given up) rather than failing the whole new chain.
                if (_receivingChainKey is not null && message.Pn > _receivingN && message.Pn - _receivingN <= MaxSkip)
                {
                    byte[] oldChain = (byte[])_receivingChainKey.Clone();
                    try { DeriveSkipped(pending.Skipped, oldChain, _otherPublic, _receivingN, message.Pn); }
                    finally { CryptographicOperations.ZeroMemory(oldChain); }
                }
                pending.RootKey = (byte[])_rootKey.Clone();
                pending.ReceivingChainKey = new byte[KeySize];
                pending.SendingChainKey = new byte[KeySize];
                pending.OwnPrivate = new byte[KeySize];
                pending.OwnPublic = new byte[KeySize];
                Span<byte> dh = stackalloc byte[KeySize];
                try
                {
                    X25519.Agree(_ownPrivate, message.RatchetKey, dh);
                    RatchetKdf.RootStep(TProfile.RootInfo, pending.RootKey, dh, pending.ReceivingChainKey);
                    if (KeySource is { } source) source(pending.OwnPrivate);
                    else X25519.GeneratePrivateKey(pending.OwnPrivate);
                    X25519.DerivePublicKey(pending.OwnPrivate, pending.OwnPublic);
                    X25519.Agree(pending.OwnPrivate, message.RatchetKey, dh);
                    RatchetKdf.RootStep(TProfile.RootInfo, pending.RootKey, dh, pending.SendingChainKey);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(dh);
                }
                receivingN = 0;
            }

            if (message.N - receivingN > MaxSkip)
                throw new TooManySkippedMessagesException($"The message skips more than {MaxSkip} message keys.");
            DeriveSkipped(pending.Skipped, pending.ReceivingChainKey, message.RatchetKey, receivingN, message.N);

            Span<byte> messageKey = stackalloc byte[KeySize];
            byte[] plaintext;
            try
            {
                RatchetKdf.ChainStep(pending.ReceivingChainKey, messageKey);
                plaintext = RatchetAead<TProfile>.Open(messageKey, associatedData, message);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(messageKey);
            }

            RunCheck(beforeCommit, plaintext);

            // Commit.
            if (!sameChain)
            {
                if (_receivingChainKey is not null)
                {
                    _previousReceivingKeys.Add(_otherPublic);
                    if (_previousReceivingKeys.Count > MaxPreviousReceivingKeys) _previousReceivingKeys.RemoveAt(0);
                    CryptographicOperations.ZeroMemory(_receivingChainKey);
                }
                pending.RootKey!.CopyTo(_rootKey, 0);
                pending.OwnPrivate!.CopyTo(_ownPrivate, 0);
                _ownPublic = pending.OwnPublic!;
                _otherPublic = message.RatchetKey;
                pending.SendingChainKey!.CopyTo(_sendingChainKey, 0);
                _previousSendingN = _sendingN;
                _sendingN = 0;
                _receivingChainKey = pending.ReceivingChainKey;
                pending.ReceivingChainKey = null; // ownership moved
            }
            else
            {
                pending.ReceivingChainKey.CopyTo(_receivingChainKey!, 0);
            }
            _receivingN = message.N + 1;
            LastNewChainCounter = sameChain ? null : message.N;
            _skipped.AddRange(pending.Skipped);
            pending.Skipped.Clear(); // ownership moved
            int excess = _skipped.Count - MaxStoredSkippedKeys;
            if (excess > 0)
            {
                for (int i = 0; i < excess; i++) CryptographicOperations.ZeroMemory(_skipped[i].MessageKey);
                _skipped.RemoveRange(0, excess);
            }
            return plaintext;
        }
        finally
        {
            pending.Wipe();
        }
    }

    // The caller's last word before anything is committed (e.g. the payload MAC): if it throws, the
    // decrypted key material is wiped and the ratchet stays exactly as it was.
    private static void RunCheck(KeyMaterialCheck? check, byte[] plaintext)
    {
        if (check is null) return;
        try
        {
            check(plaintext);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw;
        }
    }

    private static void DeriveSkipped(List<SkippedKey> into, byte[] chainKey, byte[] ratchetKey, uint from, uint to)
    {
        for (uint i = from; i < to; i++)
        {
            byte[] mk = new byte[KeySize];
            RatchetKdf.ChainStep(chainKey, mk);
            into.Add(new SkippedKey(ratchetKey, i, mk));
        }
    }

    private int FindSkipped(ReadOnlySpan<byte> ratchetKey, uint n)
    {
        for (int i = 0; i < _skipped.Count; i++)
        {
            if (_skipped[i].N == n && ratchetKey.SequenceEqual(_skipped[i].RatchetKey)) return i;
        }
        return -1;
    }

    private bool IsPreviousReceivingKey(ReadOnlySpan<byte> ratchetKey)
    {
        foreach (byte[] key in _previousReceivingKeys)
        {
            if (ratchetKey.SequenceEqual(key)) return true;
        }
        return false;
    }

    /// <summary>Working copies of the secrets a decryption may commit; wiped unless ownership moved.</summary>
    private sealed class Pending
    {
        internal byte[]? RootKey;
        internal byte[]? ReceivingChainKey;
        internal byte[]? SendingChainKey;
        internal byte[]? OwnPrivate;
        internal byte[]? OwnPublic;
        internal readonly List<SkippedKey> Skipped = [];

        internal void Wipe()
        {
            if (RootKey is not null) CryptographicOperations.ZeroMemory(RootKey);
            if (ReceivingChainKey is not null) CryptographicOperations.ZeroMemory(ReceivingChainKey);
            if (SendingChainKey is not null) CryptographicOperations.ZeroMemory(SendingChainKey);
            if (OwnPrivate is not null) CryptographicOperations.ZeroMemory(OwnPrivate);
            foreach (SkippedKey k in Skipped) CryptographicOperations.ZeroMemory(k.MessageKey);
            Skipped.Clear();
        }
    }

    // ---- serialization ----

    internal int SerializedSize
        => 4 * KeySize + 4 + 4 + 1 + (_receivingChainKey is null ? 0 : KeySize + 4)
           + 1 + _previousReceivingKeys.Count * KeySize
           + 2 + _skipped.Count * (KeySize + 4 + KeySize);

    internal void WriteTo(ref StateWriter w)
    {
        w.Write(_rootKey);
        w.Write(_ownPrivate);
        w.Write(_otherPublic);
        w.Write(_sendingChainKey);
        w.WriteUInt32(_sendingN);
        w.WriteUInt32(_previousSendingN);
        w.WriteByte(_receivingChainKey is null ? (byte)0 : (byte)1);
        if (_receivingChainKey is not null)
        {
            w.Write(_receivingChainKey);
            w.WriteUInt32(_receivingN);
        }
        w.WriteByte((byte)_previousReceivingKeys.Count);
        foreach (byte[] key in _previousReceivingKeys) w.Write(key);
        w.WriteUInt16((ushort)_skipped.Count);
        foreach (SkippedKey k in _skipped)
        {
            w.Write(k.RatchetKey);
            w.WriteUInt32(k.N);
            w.Write(k.MessageKey);
        }
    }

    internal static DoubleRatchet<TProfile> ReadFrom(ref StateReader r)
    {
        var d = new DoubleRatchet<TProfile>();
        try
        {
            r.Read(KeySize).CopyTo(d._rootKey);
            r.Read(KeySize).CopyTo(d._ownPrivate);
            X25519.DerivePublicKey(d._ownPrivate, d._ownPublic);
            d._otherPublic = r.ReadArray(KeySize);
            r.Read(KeySize).CopyTo(d._sendingChainKey);
            d._sendingN = r.ReadUInt32();
            d._previousSendingN = r.ReadUInt32();
            byte hasReceiving = r.ReadByte();
            if (hasReceiving > 1) throw new MalformedMessageException("The serialized session state is invalid.");
            if (hasReceiving == 1)
            {
                d._receivingChainKey = r.ReadArray(KeySize);
                d._receivingN = r.ReadUInt32();
            }
            int previous = r.ReadByte();
            if (previous > MaxPreviousReceivingKeys) throw new MalformedMessageException("The serialized session state is invalid.");
            for (int i = 0; i < previous; i++) d._previousReceivingKeys.Add(r.ReadArray(KeySize));
            int skipped = r.ReadUInt16();
            if (skipped > MaxStoredSkippedKeys) throw new MalformedMessageException("The serialized session state has too many skipped keys.");
            for (int i = 0; i < skipped; i++)
            {
                byte[] ratchetKey = r.ReadArray(KeySize);
                uint n = r.ReadUInt32();
                d._skipped.Add(new SkippedKey(ratchetKey, n, r.ReadArray(KeySize)));
            }
            return d;
        }
        catch
        {
            d.Dispose();
            throw;
        }
    }

    /// <summary>Wipes every secret.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_rootKey);
        CryptographicOperations.ZeroMemory(_ownPrivate);
        CryptographicOperations.ZeroMemory(_sendingChainKey);
        if (_receivingChainKey is not null) CryptographicOperations.ZeroMemory(_receivingChainKey);
        foreach (SkippedKey k in _skipped) CryptographicOperations.ZeroMemory(k.MessageKey);
        _skipped.Clear();
    }
}
