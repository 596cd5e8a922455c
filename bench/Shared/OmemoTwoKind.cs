using Omemo.Sessions;
using Omemo.X3dh;
using Omemo.Xml;

namespace Omemo.Bench.Shared;

/// <summary>
/// OMEMO 2 (<c>urn:xmpp:omemo:2</c>): <see cref="OmemoSession"/>, <see cref="Bundle"/>, <see cref="OmemoPayload"/>
/// (no IV) and <see cref="EncryptedElement"/>.
/// </summary>
public readonly struct OmemoTwoKind : ISessionKind<OmemoSession, Bundle>
{
    /// <inheritdoc />
    public static int KeyMaterialSize => OmemoPayload.KeyMaterialSize;

    /// <inheritdoc />
    public static Bundle BundleOf(Receiver receiver) => receiver.Bundle();

    /// <inheritdoc />
    public static OmemoSession Initiate(IdentityKeyPair own, Bundle bundle) => OmemoSession.Initiate(own, bundle);

    /// <inheritdoc />
    public static OmemoSession Accept(Receiver receiver, ReadOnlySpan<byte> keyExchange, out byte[] keyMaterial) =>
        OmemoSession.AcceptKeyExchange(receiver.Identity, receiver, keyExchange, out keyMaterial);

    /// <inheritdoc />
    public static byte[] Encrypt(OmemoSession session, ReadOnlySpan<byte> keyMaterial) => session.Encrypt(keyMaterial);

    /// <inheritdoc />
    public static byte[] Decrypt(OmemoSession session, ReadOnlySpan<byte> message) => session.Decrypt(message);

    /// <inheritdoc />
    public static bool IsKeyExchangePending(OmemoSession session) => session.IsKeyExchangePending;

    /// <inheritdoc />
    public static (byte[] Payload, byte[] Iv) EncryptPayload(ReadOnlySpan<byte> plaintext, Span<byte> keyMaterial) =>
        (OmemoPayload.Encrypt(plaintext, keyMaterial), []);

    /// <inheritdoc />
    public static byte[]? DecryptMessage(OmemoSession session, ReadOnlySpan<byte> message, byte[] payload, byte[] iv) =>
        session.DecryptMessage(message, payload);

    /// <inheritdoc />
    public static string ToXml(byte[][] keys, byte[] payload, byte[] iv) => new EncryptedElement(BenchAddress.SenderDeviceId,
        [.. keys.Select((key, i) => new EncryptedKey(BenchAddress.RecipientJid, (uint)i + 1, key, false))], payload).ToXml();
}
