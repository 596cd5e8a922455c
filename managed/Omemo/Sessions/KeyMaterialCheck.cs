namespace Omemo.Sessions;

/// <summary>
/// Called with freshly decrypted key material before a session commits its new state; throwing rejects the
/// message and leaves the session unchanged (see <see cref="OmemoSession.Decrypt(ReadOnlySpan{byte}, KeyMaterialCheck?)"/>).
/// </summary>
public delegate void KeyMaterialCheck(ReadOnlySpan<byte> keyMaterial);
