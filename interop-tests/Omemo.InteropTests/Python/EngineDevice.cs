using System.Security.Cryptography;
using Omemo.Errors;
using Omemo.Sessions;
using Omemo.Wire;
using Omemo.X3dh;
using Omemo.Xml;

namespace Omemo.InteropTests.Python;

/// <summary>
/// A minimal OMEMO 2 device on top of our engine, the way a client would drive it: own keys, a bundle and device
/// list, one <see cref="OmemoSession"/> per remote device, and <c>&lt;encrypted&gt;</c> elements built and parsed
/// with <see cref="EncryptedElement"/> and <see cref="OmemoPayload"/>. Every message goes through XML strings.
/// Policy (the same as python-omemo outside history synchronisation): a one-time pre-key is deleted after the
/// first key exchange that used it succeeded; a key exchange that builds the session we already have as responder
/// is decrypted with that session; any other key exchange builds a new session that replaces the old one.
/// </summary>
internal sealed class EngineDevice : IPreKeySource, IDisposable
{
    private readonly Dictionary<uint, SignedPreKey> _signedPreKeys = [];
    private readonly Dictionary<uint, PreKey> _preKeys = [];
    private readonly Dictionary<(string Jid, uint Device), OmemoSession> _sessions = [];
    private readonly Dictionary<(string Jid, uint Device), string> _bundles = [];
    private uint _currentSignedPreKeyId;
    private uint _nextPreKeyId = 1;

    public string Jid { get; }
    public uint DeviceId { get; }
    public IdentityKeyPair Identity { get; }

    /// <summary>Ids of pre-keys deleted after use, in order.</summary>
    public List<uint> UsedPreKeys { get; } = [];

    private EngineDevice(string jid, uint deviceId, IdentityKeyPair identity)
    {
        Jid = jid;
        DeviceId = deviceId;
        Identity = identity;
    }

    /// <summary>A fresh device: new identity, signed pre-key 1 and <paramref name="preKeys"/> one-time pre-keys.</summary>
    public static EngineDevice Create(string jid, uint deviceId, int preKeys = 100)
    {
        var device = new EngineDevice(jid, deviceId, IdentityKeyPair.Generate());
        device.AddSignedPreKey(SignedPreKey.Generate(device.Identity, 1));
        device.Refill(preKeys);
        return device;
    }

    /// <summary>A device restored from exported private keys (test vectors).</summary>
    public static EngineDevice Restore(string jid, uint deviceId, IdentityKeyPair identity, IEnumerable<SignedPreKey> signedPreKeys, IEnumerable<PreKey> preKeys)
    {
        var device = new EngineDevice(jid, deviceId, identity);
        foreach (var spk in signedPreKeys) device.AddSignedPreKey(spk);
        foreach (var pk in preKeys)
        {
            device._preKeys.Add(pk.Id, pk);
            device._nextPreKeyId = Math.Max(device._nextPreKeyId, pk.Id + 1);
        }
        return device;
    }

    private void AddSignedPreKey(SignedPreKey spk)
    {
        _signedPreKeys.Add(spk.Id, spk);
        if (_currentSignedPreKeyId == 0 || spk.CreatedAt > _signedPreKeys[_currentSignedPreKeyId].CreatedAt) _currentSignedPreKeyId = spk.Id;
    }

    /// <summary>Tops the one-time pre-keys up to <paramref name="count"/>.</summary>
    public void Refill(int count = 100)
    {
        while (_preKeys.Count < count)
        {
            var pk = PreKey.Generate(_nextPreKeyId++);
            _preKeys.Add(pk.Id, pk);
        }
    }

    // ---- public data -----------------------------------------------------------------------------------------

    public Bundle Bundle()
    {
        var spk = _signedPreKeys[_currentSignedPreKeyId];
        return new Bundle(Identity.PublicKey.ToArray(), spk.Id, spk.PublicKey, spk.Signature,
            _preKeys.Values.OrderBy(p => p.Id).Select(p => p.ToPublic()).ToList());
    }

    public string BundleXml() => Omemo.Xml.BundleXml.ToXml(Bundle());

    public string DeviceListXml() => Omemo.Xml.DeviceListXml.ToXml([new DeviceEntry(DeviceId)]);

    /// <summary>Remembers a remote device's bundle (the PEP node we would have fetched).</summary>
    public void AddBundle(string jid, uint deviceId, string bundleXml) => _bundles[(jid, deviceId)] = bundleXml;

    // ---- IPreKeySource ---------------------------------------------------------------------------------------

    public SignedPreKey? GetSignedPreKey(uint id) => _signedPreKeys.GetValueOrDefault(id);

    public PreKey? GetPreKey(uint id) => _preKeys.GetValueOrDefault(id);

    // ---- sessions --------------------------------------------------------------------------------------------

    public OmemoSession? Session(string jid, uint deviceId) => _sessions.GetValueOrDefault((jid, deviceId));

    /// <summary>Starts (or replaces) the session with a device from its bundle XML (the stored one by default).</summary>
    public OmemoSession StartSession(string jid, uint deviceId, string? bundleXml = null, uint? preKeyId = null)
    {
        bundleXml ??= _bundles[(jid, deviceId)];
        var bundle = Omemo.Xml.BundleXml.Parse(bundleXml);
        var session = OmemoSession.Initiate(Identity, bundle, preKeyId);
        Replace((jid, deviceId), session);
        return session;
    }

    /// <summary>Installs a session built elsewhere (e.g. with fixed keys for a known-answer test).</summary>
    public void Adopt(string jid, uint deviceId, OmemoSession session) => Replace((jid, deviceId), session);

    private void Replace((string, uint) device, OmemoSession session)
    {
        if (_sessions.Remove(device, out var old)) old.Dispose();
        _sessions[device] = session;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> for the given devices (sessions must exist); returns the XML.</summary>
    public string Encrypt(byte[] plaintext, params (string Jid, uint Device)[] recipients)
    {
        byte[] keyMaterial = new byte[OmemoPayload.KeyMaterialSize];
        try
        {
            byte[] payload = OmemoPayload.Encrypt(plaintext, keyMaterial);
            return Build(keyMaterial, payload, recipients);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyMaterial);
        }
    }

    /// <summary>An empty OMEMO message (32 zero bytes through the ratchet, no payload).</summary>
    public string EncryptEmpty(params (string Jid, uint Device)[] recipients) =>
        Build(new byte[OmemoPayload.EmptyKeyMaterialSize], null, recipients);

    private string Build(byte[] keyMaterial, byte[]? payload, (string Jid, uint Device)[] recipients)
    {
        var keys = new List<EncryptedKey>();
        foreach (var recipient in recipients)
        {
            var session = _sessions.GetValueOrDefault(recipient)
                ?? throw new InvalidOperationException($"no session with {recipient.Jid}/{recipient.Device}");
            bool kex = session.IsKeyExchangePending;
            keys.Add(new EncryptedKey(recipient.Jid, recipient.Device, session.Encrypt(keyMaterial), kex));
        }
        return new EncryptedElement(DeviceId, keys, payload).ToXml();
    }

    /// <summary>
    /// Parses and decrypts an <c>&lt;encrypted&gt;</c> element from <paramref name="fromJid"/>. Throws the engine's
    /// <see cref="OmemoException"/> subclasses; <see cref="NotForUsException"/> when it has no key for this device.
    /// </summary>
    public EngineDecrypted Decrypt(string fromJid, string encryptedXml)
    {
        var element = EncryptedElement.Parse(encryptedXml);
        var key = element.FindKey(Jid, DeviceId) ?? throw new NotForUsException();
        var sender = (fromJid, element.SenderDeviceId);
        byte[]? plaintext;
        bool newSession = false;
        OmemoSession session;
        // The library's whole-message calls: a session only advances (or is created) when key and payload authenticate.
        if (key.IsKeyExchange)
        {
            var kex = OmemoKeyExchange.Parse(key.Data);
            var existing = _sessions.GetValueOrDefault(sender);
            if (existing is not null && !existing.IsInitiator && existing.IsSameKeyExchange(kex))
            {
                session = existing;
                plaintext = session.DecryptMessage(kex.Message.ToByteArray(), element.Payload);
            }
            else
            {
                session = OmemoSession.AcceptKeyExchangeMessage(Identity, this, key.Data, element.Payload, out plaintext);
                Replace(sender, session);
                _preKeys.Remove(session.UsedPreKeyId);
                UsedPreKeys.Add(session.UsedPreKeyId);
                newSession = true;
            }
        }
        else
        {
            session = _sessions.GetValueOrDefault(sender) ?? throw new NoSessionException("no session with the sending device");
            plaintext = session.DecryptMessage(key.Data, element.Payload);
        }
        return new EngineDecrypted(plaintext, element.SenderDeviceId, key.IsKeyExchange, newSession, session);
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Values) session.Dispose();
        _sessions.Clear();
        Identity.Dispose();
    }
}

/// <summary>A decrypted message. <c>Plaintext</c> is null for an empty OMEMO message; <c>NewSession</c> is true when
/// the message was a key exchange that built a new session.</summary>
internal sealed record EngineDecrypted(byte[]? Plaintext, uint SenderDeviceId, bool WasKeyExchange, bool NewSession, OmemoSession Session);

/// <summary>The message has no &lt;key&gt; for this device.</summary>
internal sealed class NotForUsException() : Exception("the message holds no key for this device");
