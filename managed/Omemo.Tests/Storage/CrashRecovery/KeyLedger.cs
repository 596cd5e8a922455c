using Omemo.Wire;
using Omemo.Xml;

namespace Omemo.Tests.Storage.CrashRecovery;

/// <summary>
/// Every acknowledged message one device sent, read from the wire: no (recipient device, ratchet key, counter n) may
/// appear twice (a message key used twice), no encrypted key material or payload may repeat, and every key exchange
/// to a device must be the same one (a different one means an acknowledged session was lost and built again).
/// </summary>
internal sealed class KeyLedger
{
    private readonly HashSet<string> _messageKeys = [];
    private readonly HashSet<string> _ciphertexts = [];
    private readonly HashSet<string> _payloads = [];
    private readonly Dictionary<(string Jid, uint Device), string> _keyExchanges = [];

    /// <summary>The number of (device, ratchet key, n) triples seen.</summary>
    public int MessageKeys => _messageKeys.Count;

    /// <summary>The number of devices a key exchange was seen for.</summary>
    public int KeyExchanges => _keyExchanges.Count;

    public void Add(EncryptedElement element, string what)
    {
        if (element.Payload is { } payload && !_payloads.Add(Convert.ToHexString(payload)))
            throw new CrashTestFailedException($"{what}: a payload was sent twice.");
        foreach (var key in element.Keys)
        {
            var device = (key.Jid, key.DeviceId);
            OmemoAuthenticatedMessage authenticated;
            if (key.IsKeyExchange)
            {
                var kex = OmemoKeyExchange.Parse(key.Data);
                authenticated = kex.Message;
                string id = $"{kex.PreKeyId}/{kex.SignedPreKeyId}/{Convert.ToHexString(kex.EphemeralKey)}";
                if (_keyExchanges.TryGetValue(device, out string? earlier) && earlier != id)
                    throw new CrashTestFailedException($"{what}: a second key exchange to {key.Jid}/{key.DeviceId} (pre-key {kex.PreKeyId}): the session was built again.");
                _keyExchanges[device] = id;
            }
            else
            {
                authenticated = OmemoAuthenticatedMessage.Parse(key.Data);
            }
            var message = OmemoMessage.Parse(authenticated.Message);
            string chain = $"{key.Jid}/{key.DeviceId}/{Convert.ToHexString(message.DhPub)}";
            if (!_messageKeys.Add($"{chain}/{message.N}"))
                throw new CrashTestFailedException($"{what}: message key n={message.N} of ratchet key {chain} used twice.");
            if (!_ciphertexts.Add($"{key.Jid}/{key.DeviceId}/{Convert.ToHexString(message.Ciphertext ?? [])}"))
                throw new CrashTestFailedException($"{what}: the same encrypted key material went to {key.Jid}/{key.DeviceId} twice.");
        }
    }
}
