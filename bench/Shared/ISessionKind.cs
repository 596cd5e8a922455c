using Omemo.X3dh;

namespace Omemo.Bench.Shared;

/// <summary>
/// One OMEMO version's session type as the benchmarks drive it, so that one <see cref="SessionFleet{TKind,TSession,TBundle}"/>
/// and one set of benchmarks serve OMEMO 2 (<see cref="OmemoTwoKind"/>) and legacy OMEMO 0.3 (<see cref="LegacyKind"/>).
/// The members are static abstract: generic code calls them without virtual dispatch, as the version's own API would.
/// </summary>
/// <typeparam name="TSession">The session type (<c>OmemoSession</c>, <c>LegacySession</c>).</typeparam>
/// <typeparam name="TBundle">The bundle type it is initiated from.</typeparam>
public interface ISessionKind<TSession, TBundle> where TSession : IDisposable
{
    /// <summary>The key material one message carries to each device (48 bytes for OMEMO 2, 32 for legacy).</summary>
    static abstract int KeyMaterialSize { get; }

    /// <summary>The bundle <paramref name="receiver"/> publishes for this version.</summary>
    static abstract TBundle BundleOf(Receiver receiver);

    /// <summary>Starts a session from <paramref name="bundle"/> (signed pre-key check, X3DH).</summary>
    static abstract TSession Initiate(IdentityKeyPair own, TBundle bundle);

    /// <summary>The receiver's side of a key exchange: a new session and the key material of its first message.</summary>
    static abstract TSession Accept(Receiver receiver, ReadOnlySpan<byte> keyExchange, out byte[] keyMaterial);

    /// <summary>Encrypts key material: a key exchange while one is pending, else a follow-up message.</summary>
    static abstract byte[] Encrypt(TSession session, ReadOnlySpan<byte> keyMaterial);

    /// <summary>Decrypts a follow-up message and returns its key material.</summary>
    static abstract byte[] Decrypt(TSession session, ReadOnlySpan<byte> message);

    /// <summary>Whether the initiator still waits for the peer's first answer.</summary>
    static abstract bool IsKeyExchangePending(TSession session);

    /// <summary>Encrypts a message body; fills <paramref name="keyMaterial"/> and returns the payload and its IV (empty for OMEMO 2).</summary>
    static abstract (byte[] Payload, byte[] Iv) EncryptPayload(ReadOnlySpan<byte> plaintext, Span<byte> keyMaterial);

    /// <summary>Decrypts a whole follow-up message (key and payload) and returns the body.</summary>
    static abstract byte[]? DecryptMessage(TSession session, ReadOnlySpan<byte> message, byte[] payload, byte[] iv);

    /// <summary>
    /// The message's &lt;encrypted&gt; element from <see cref="BenchAddress.SenderDeviceId"/>: <paramref name="keys"/>[i]
    /// for device i + 1 (follow-up messages, not key exchanges), the payload and its IV.
    /// </summary>
    static abstract string ToXml(byte[][] keys, byte[] payload, byte[] iv);
}
