namespace Omemo.Xml;

/// <summary>
/// One <c>&lt;key rid='..' kex='true'&gt;</c> of an OMEMO <c>&lt;header&gt;</c>: the payload key material encrypted
/// for one recipient device.
/// </summary>
/// <param name="Jid">Bare JID of the recipient (the <c>jid</c> of the enclosing <c>&lt;keys&gt;</c>), compared ordinally.</param>
/// <param name="DeviceId">Recipient device id (<c>rid</c>), in 1..2^31-1.</param>
/// <param name="Data">
/// The decoded element text: a serialized <c>OMEMOKeyExchange</c> when <paramref name="IsKeyExchange"/> is true,
/// otherwise a serialized <c>OMEMOAuthenticatedMessage</c>. Never empty.
/// </param>
/// <param name="IsKeyExchange">The <c>kex</c> attribute; written only when true.</param>
public sealed record EncryptedKey(string Jid, uint DeviceId, byte[] Data, bool IsKeyExchange);
