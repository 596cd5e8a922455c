using System.Text;
using Omemo.Sessions;
using Omemo.X3dh;
using Omemo.Xml;

namespace Omemo.Compare;

/// <summary>
/// Our engine's side of the comparison: the same workloads as <c>bench/python/omemo_bench.py</c> and
/// <c>native/omemo_c_bench</c>, in memory. Each way of doing W1 (and W4) is an <see cref="IFanOut"/>: add or switch
/// one in <see cref="FanOuts"/> and it is measured and reported under its own engine name.
/// </summary>
public sealed class OurEngine : IDisposable
{
    /// <summary>The JID of every recipient device.</summary>
    public const string RecipientJid = "r@bench.example";

    /// <summary>The sender's device id (<c>sid</c>).</summary>
    public const uint SenderDeviceId = 0x40000000;

    private readonly IdentityKeyPair _sender = IdentityKeyPair.Generate();
    private readonly Bundle[] _bundles;
    private readonly OmemoSession[] _sessions;
    private readonly OmemoSession _receiverSession;
    private readonly byte[] _keyMaterial = new byte[OmemoPayload.KeyMaterialSize];
    private readonly Queue<byte[]> _followUps = new();

    /// <summary>The W1/W4 strategies measured; the first one is the per-session baseline.</summary>
    public static IReadOnlyList<Func<IFanOut>> FanOuts { get; } = [() => new PerSessionFanOut(), () => new BatchFanOut()];

    private sealed class Keys(SignedPreKey spk, PreKey pk) : IPreKeySource
    {
        public SignedPreKey? GetSignedPreKey(uint id) => id == spk.Id ? spk : null;
        public PreKey? GetPreKey(uint id) => id == pk.Id ? pk : null;
    }

    /// <summary>Creates <paramref name="devices"/> receivers (one pre-key each) and confirmed sessions to the first <paramref name="established"/>.</summary>
    public OurEngine(int devices, int established)
    {
        Array.Fill(_keyMaterial, (byte)0x5a);
        var receivers = new (IdentityKeyPair Identity, Keys Keys)[devices];
        _bundles = new Bundle[devices];
        for (int i = 0; i < devices; i++)
        {
            var identity = IdentityKeyPair.Generate();
            var spk = SignedPreKey.Generate(identity, 1);
            var pk = PreKey.Generate(1);
            receivers[i] = (identity, new Keys(spk, pk));
            _bundles[i] = new Bundle(identity.PublicKey.ToArray(), spk.Id, spk.PublicKey, spk.Signature, [pk.ToPublic()]);
        }
        _sessions = new OmemoSession[established];
        OmemoSession? first = null;
        for (int i = 0; i < established; i++)
        {
            _sessions[i] = OmemoSession.Initiate(_sender, _bundles[i]);
            var back = OmemoSession.AcceptKeyExchange(receivers[i].Identity, receivers[i].Keys, _sessions[i].Encrypt(_keyMaterial), out _);
            _sessions[i].Decrypt(back.Encrypt(_keyMaterial));
            if (_sessions[i].IsKeyExchangePending) throw new InvalidOperationException("session not confirmed after the reply");
            if (i == 0) first = back; else back.Dispose();
        }
        _receiverSession = first ?? throw new ArgumentOutOfRangeException(nameof(established), "at least one session");
        foreach (var r in receivers) r.Identity.Dispose();
    }

    /// <summary>Runs every workload of <paramref name="options"/> and hands each result to <paramref name="emit"/>.</summary>
    public static void Run(WorkloadOptions options, Action<Measurement> emit)
    {
        int established = Math.Max(1, options.W1.Append(options.W4).Max());
        using var engine = new OurEngine(Math.Max(established, options.W2.DefaultIfEmpty(1).Max()), established);
        engine.RunAll(options, emit);
    }

    private void RunAll(WorkloadOptions options, Action<Measurement> emit)
    {
        // W3 first: W1 then sends thousands of messages on session 0.
        for (int i = 0; i < options.W3 * (options.Reps + 1); i++) _followUps.Enqueue(_sessions[0].Encrypt(_keyMaterial));
        emit(Timing.Measure("ours", "W3", DecryptFollowUps, options.W3, options.W3, options, fixedInner: 1));
        foreach (var make in FanOuts)
        {
            using IFanOut fanOut = make();
            foreach (int n in options.W1)
                emit(Timing.Measure(fanOut.Name, "W1", k => fanOut.Encrypt(_sessions.AsSpan(0, k), _keyMaterial), n, n, options));
        }
        foreach (int n in options.W2) emit(Timing.Measure("ours", "W2", FirstMessages, n, n, options));
        if (options.W4 <= 0) return;
        foreach (var make in FanOuts)
        {
            using IFanOut fanOut = make();
            emit(Timing.Measure(fanOut.Name, "W4", k => fanOut.EncryptXml(_sessions.AsSpan(0, k), "hello"u8), options.W4, 1, options));
        }
    }

    private void DecryptFollowUps(int n)
    {
        for (int i = 0; i < n; i++) _receiverSession.Decrypt(_followUps.Dequeue());
    }

    private void FirstMessages(int n)
    {
        for (int i = 0; i < n; i++)
        {
            using var session = OmemoSession.Initiate(_sender, _bundles[i]);
            session.Encrypt(_keyMaterial);
        }
    }

    /// <summary>Disposes the sessions and the sender identity.</summary>
    public void Dispose()
    {
        foreach (var s in _sessions) s.Dispose();
        _receiverSession.Dispose();
        _sender.Dispose();
    }
}

/// <summary>One way of encrypting a message for many established sessions (W1) and of building its XML (W4).</summary>
public interface IFanOut : IDisposable
{
    /// <summary>The engine name in the report (e.g. <c>ours</c>, <c>ours-batch</c>).</summary>
    string Name { get; }

    /// <summary>Encrypts the key material for every session (the bytes of each <c>&lt;key&gt;</c>).</summary>
    void Encrypt(ReadOnlySpan<OmemoSession> sessions, ReadOnlySpan<byte> keyMaterial);

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> (payload + key material for every session) and returns the &lt;encrypted&gt;
    /// XML as UTF-8, ready for the socket (it may be the implementation's own buffer, valid until the next call).
    /// </summary>
    ReadOnlyMemory<byte> EncryptXml(ReadOnlySpan<OmemoSession> sessions, ReadOnlySpan<byte> plaintext);
}

/// <summary>The baseline: <see cref="OmemoSession.Encrypt"/> per session, <see cref="EncryptedElement.ToXml"/>.</summary>
public sealed class PerSessionFanOut : IFanOut
{
    /// <inheritdoc />
    public string Name => "ours";

    /// <inheritdoc />
    public void Encrypt(ReadOnlySpan<OmemoSession> sessions, ReadOnlySpan<byte> keyMaterial)
    {
        foreach (var s in sessions) s.Encrypt(keyMaterial);
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> EncryptXml(ReadOnlySpan<OmemoSession> sessions, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> km = stackalloc byte[OmemoPayload.KeyMaterialSize];
        byte[] payload = OmemoPayload.Encrypt(plaintext, km);
        var keys = new EncryptedKey[sessions.Length];
        for (int i = 0; i < sessions.Length; i++)
            keys[i] = new EncryptedKey(OurEngine.RecipientJid, (uint)i + 1, sessions[i].Encrypt(km), false);
        return Encoding.UTF8.GetBytes(new EncryptedElement(OurEngine.SenderDeviceId, keys, payload).ToXml());
    }

    /// <inheritdoc />
    public void Dispose() { }
}

/// <summary>The batch path: <see cref="SessionBatchEncryptor"/> and <see cref="EncryptedElementWriter"/> (buffers reused).</summary>
public sealed class BatchFanOut : IFanOut
{
    private readonly SessionBatchEncryptor _encryptor = new();
    private readonly int _stride = SessionBatchEncryptor.GetOutputStride(OmemoPayload.KeyMaterialSize);
    private byte[] _output = [];
    private int[] _lengths = [];
    private KeyRecipient[] _recipients = [];
    private byte[] _xml = [];

    /// <inheritdoc />
    public string Name => "ours-batch";

    /// <inheritdoc />
    public void Encrypt(ReadOnlySpan<OmemoSession> sessions, ReadOnlySpan<byte> keyMaterial)
    {
        if (_lengths.Length < sessions.Length)
        {
            _output = new byte[sessions.Length * _stride];
            _lengths = new int[sessions.Length];
            _recipients = Enumerable.Range(1, sessions.Length).Select(i => new KeyRecipient(OurEngine.RecipientJid, (uint)i, false)).ToArray();
        }
        _encryptor.Encrypt(sessions, keyMaterial, _output, _lengths);
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> EncryptXml(ReadOnlySpan<OmemoSession> sessions, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> km = stackalloc byte[OmemoPayload.KeyMaterialSize];
        byte[] payload = OmemoPayload.Encrypt(plaintext, km);
        Encrypt(sessions, km);
        var recipients = _recipients.AsSpan(0, sessions.Length);
        int max = EncryptedElementWriter.GetMaxByteCount(recipients, _lengths, payload.Length);
        if (_xml.Length < max) _xml = new byte[max];
        int written = EncryptedElementWriter.Write(_xml, OurEngine.SenderDeviceId, recipients, _output, _stride, _lengths, payload, true);
        return _xml.AsMemory(0, written);
    }

    /// <inheritdoc />
    public void Dispose() => _encryptor.Dispose();
}
