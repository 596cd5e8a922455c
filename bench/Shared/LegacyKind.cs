using Omemo.Sessions.Legacy;
using Omemo.X3dh;
using Omemo.Xml.Legacy;

namespace Omemo.Bench.Shared;

/// <summary>
/// Legacy OMEMO 0.3 (<c>eu.siacs.conversations.axolotl</c>): <see cref="LegacySession"/>, <see cref="LegacyBundle"/>,
/// <see cref="LegacyPayload"/> (AES-128-GCM with a 12-byte IV) and <see cref="LegacyEncryptedElement"/>.
/// </summary>
public readonly struct LegacyKind : ISessionKind<LegacySession, LegacyBundle>
{
    /// <inheritdoc />
    public static int KeyMaterialSize => LegacyPayload.KeyMaterialSize;

    /// <inheritdoc />
    public static LegacyBundle BundleOf(Receiver receiver) => receiver.LegacyBundle();

    /// <inheritdoc />
    public static LegacySession Initiate(IdentityKeyPair own, LegacyBundle bundle) => LegacySession.Initiate(own, bundle);

    /// <inheritdoc />
    public static LegacySession Accept(Receiver receiver, ReadOnlySpan<byte> keyExchange, out byte[] keyMaterial) =>
        LegacySession.AcceptKeyExchange(receiver.Identity, receiver, keyExchange, out keyMaterial);

    /// <inheritdoc />
    public static byte[] Encrypt(LegacySession session, ReadOnlySpan<byte> keyMaterial) => session.Encrypt(keyMaterial);

    /// <inheritdoc />
    public static byte[] Decrypt(LegacySession session, ReadOnlySpan<byte> message) => session.Decrypt(message);

    /// <inheritdoc />
    public static bool IsKeyExchangePending(LegacySession session) => session.IsKeyExchangePending;

    /// <inheritdoc />
    public static (byte[] Payload, byte[] Iv) EncryptPayload(ReadOnlySpan<byte> plaintext, Span<byte> keyMaterial)
    {
        byte[] iv = new byte[LegacyPayload.IvSize];
        return (LegacyPayload.Encrypt(plaintext, keyMaterial, iv), iv);
    }

    /// <inheritdoc />
    public static byte[]? DecryptMessage(LegacySession session, ReadOnlySpan<byte> message, byte[] payload, byte[] iv) =>
        session.DecryptMessage(message, payload, iv);

    /// <inheritdoc />
    public static string ToXml(byte[][] keys, byte[] payload, byte[] iv) => new LegacyEncryptedElement(BenchAddress.SenderDeviceId,
        [.. keys.Select((key, i) => new LegacyEncryptedKey((uint)i + 1, key, false))], iv, payload).ToXml();
}
