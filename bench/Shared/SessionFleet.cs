using Omemo.X3dh;

namespace Omemo.Bench.Shared;

/// <summary>
/// One sender and N recipient devices of one OMEMO version (<typeparamref name="TKind"/>) with their bundles and,
/// once <see cref="Establish"/> ran, confirmed sessions: each recipient has answered once, so the sender's next
/// messages are follow-ups, not key exchanges. Shared by bench/Omemo.Bench and bench/Omemo.Compare.
/// </summary>
/// <typeparam name="TKind">The version (<see cref="OmemoTwoKind"/>, <see cref="LegacyKind"/>).</typeparam>
/// <typeparam name="TSession">Its session type.</typeparam>
/// <typeparam name="TBundle">Its bundle type.</typeparam>
public sealed class SessionFleet<TKind, TSession, TBundle> : IDisposable
    where TKind : ISessionKind<TSession, TBundle> where TSession : IDisposable
{
    /// <summary>Creates <paramref name="devices"/> recipient devices and their bundles (no sessions yet).</summary>
    public SessionFleet(int devices)
    {
        Receivers = Receiver.Generate(devices);
        Bundles = [.. Receivers.Select(TKind.BundleOf)];
    }

    /// <summary>The sender's identity.</summary>
    public IdentityKeyPair Sender { get; } = IdentityKeyPair.Generate();

    /// <summary>The recipient devices.</summary>
    public Receiver[] Receivers { get; }

    /// <summary>The recipients' bundles, in the same order.</summary>
    public TBundle[] Bundles { get; }

    /// <summary>The sender's confirmed session with each of the first recipients (after <see cref="Establish"/>).</summary>
    public TSession[] SenderSessions { get; private set; } = [];

    /// <summary>Those recipients' sessions with the sender, in the same order.</summary>
    public TSession[] RecipientSessions { get; private set; } = [];

    /// <summary>Builds sessions to the first <paramref name="count"/> recipients (default: all) and has each answer once.</summary>
    /// <exception cref="InvalidOperationException">A key exchange is still pending after the answer.</exception>
    public SessionFleet<TKind, TSession, TBundle> Establish(int? count = null)
    {
        byte[] km = new byte[TKind.KeyMaterialSize];
        SenderSessions = new TSession[count ?? Bundles.Length];
        RecipientSessions = new TSession[SenderSessions.Length];
        for (int i = 0; i < SenderSessions.Length; i++)
        {
            SenderSessions[i] = TKind.Initiate(Sender, Bundles[i]);
            RecipientSessions[i] = TKind.Accept(Receivers[i], TKind.Encrypt(SenderSessions[i], km), out _);
            TKind.Decrypt(SenderSessions[i], TKind.Encrypt(RecipientSessions[i], km));
            if (TKind.IsKeyExchangePending(SenderSessions[i])) throw new InvalidOperationException("session not confirmed after the answer");
        }
        return this;
    }

    /// <summary>Encrypts <paramref name="keyMaterial"/> for the first <paramref name="count"/> sessions, one at a time; returns the bytes written.</summary>
    public int EncryptEach(ReadOnlySpan<byte> keyMaterial, int count) => EncryptEach(SenderSessions.AsSpan(0, count), keyMaterial);

    /// <summary>Encrypts <paramref name="keyMaterial"/> for each of <paramref name="sessions"/>, one at a time; returns the bytes written.</summary>
    public static int EncryptEach(ReadOnlySpan<TSession> sessions, ReadOnlySpan<byte> keyMaterial)
    {
        int total = 0;
        foreach (var session in sessions) total += TKind.Encrypt(session, keyMaterial).Length;
        return total;
    }

    /// <summary>
    /// One whole message, one session at a time: the payload of <paramref name="plaintext"/>, its key material for each of
    /// <paramref name="sessions"/> (device i + 1 gets session i's key), and the &lt;encrypted&gt; element as a string.
    /// </summary>
    public static string EncryptMessageXml(ReadOnlySpan<TSession> sessions, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> km = stackalloc byte[TKind.KeyMaterialSize];
        var (payload, iv) = TKind.EncryptPayload(plaintext, km);
        byte[][] keys = new byte[sessions.Length][];
        for (int i = 0; i < keys.Length; i++) keys[i] = TKind.Encrypt(sessions[i], km);
        return TKind.ToXml(keys, payload, iv);
    }

    /// <summary>The first message to a new device: a session from <paramref name="bundle"/> and its key exchange (its length is returned).</summary>
    public int FirstMessage(TBundle bundle, ReadOnlySpan<byte> keyMaterial)
    {
        using var session = TKind.Initiate(Sender, bundle);
        return TKind.Encrypt(session, keyMaterial).Length;
    }

    /// <summary>Disposes the sessions, the devices and the sender.</summary>
    public void Dispose()
    {
        foreach (var s in SenderSessions.Concat(RecipientSessions)) s.Dispose();
        foreach (var r in Receivers) r.Dispose();
        Sender.Dispose();
    }
}
