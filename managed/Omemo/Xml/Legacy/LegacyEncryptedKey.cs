namespace Omemo.Xml.Legacy;

/// <summary>
/// One <c>&lt;key rid='..' prekey='true'&gt;</c> of a legacy OMEMO 0.3 <c>&lt;header&gt;</c>. Legacy keys carry no
/// JID: a recipient finds its key by device id alone.
/// </summary>
/// <param name="DeviceId">Recipient device id (<c>rid</c>), in 1..2^31-1.</param>
/// <param name="Data">
/// The decoded element text, opaque to the XML layer: a legacy key exchange (version byte and
/// <c>OMEMOKeyExchange</c>) when <paramref name="IsPreKey"/> is true, otherwise a legacy authenticated message.
/// Never empty.
/// </param>
/// <param name="IsPreKey">The <c>prekey</c> attribute; written (as <c>'true'</c>) only when true.</param>
public sealed record LegacyEncryptedKey(uint DeviceId, byte[] Data, bool IsPreKey);
