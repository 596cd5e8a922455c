namespace Omemo.Ratchet;

/// <summary>
/// Supplies the private key of a new ratchet key pair. Sessions draw it from <see cref="Crypto.X25519.GeneratePrivateKey"/>;
/// known-answer tests substitute a source that replays a peer implementation's keys, so whole conversations can be
/// compared byte for byte. Never serialized.
/// </summary>
internal delegate void RatchetKeySource(Span<byte> privateKey);
