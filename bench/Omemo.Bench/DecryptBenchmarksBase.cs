using BenchmarkDotNet.Attributes;
using Omemo.Bench.Shared;
using Omemo.X3dh;

namespace Omemo.Bench;

/// <summary>
/// Decryption on an established session of one OMEMO version (<typeparamref name="TKind"/>): a follow-up message (the
/// key material alone), a whole follow-up message (key and payload), and a first message (a key exchange: X3DH as
/// responder, new session, first decryption). Each iteration decrypts a fresh run of messages prepared in the
/// iteration setup. The concrete classes name the version.
/// </summary>
/// <typeparam name="TKind">The version.</typeparam>
/// <typeparam name="TSession">Its session type.</typeparam>
/// <typeparam name="TBundle">Its bundle type.</typeparam>
public abstract class DecryptBenchmarksBase<TKind, TSession, TBundle>
    where TKind : ISessionKind<TSession, TBundle> where TSession : IDisposable
{
    private const int Messages = 2000;
    private const int KeyExchanges = 100;
    private SessionFleet<TKind, TSession, TBundle> _fleet = null!;
    private readonly byte[][] _keys = new byte[Messages][];
    private readonly (byte[] Payload, byte[] Iv)[] _payloads = new (byte[], byte[])[Messages];
    private readonly byte[] _plaintext = new byte[200];
    private readonly byte[][] _keyExchanges = new byte[KeyExchanges][];
    private readonly IdentityKeyPair[] _initiators = [.. Enumerable.Range(0, KeyExchanges).Select(_ => IdentityKeyPair.Generate())];

    [GlobalSetup]
    public void Setup() => _fleet = new SessionFleet<TKind, TSession, TBundle>(1).Establish();

    [GlobalCleanup]
    public void Cleanup()
    {
        _fleet.Dispose();
        foreach (var i in _initiators) i.Dispose();
    }

    [IterationSetup]
    public void Prepare()
    {
        byte[] km = new byte[TKind.KeyMaterialSize];
        for (int i = 0; i < Messages; i++)
        {
            _payloads[i] = TKind.EncryptPayload(_plaintext, km);
            _keys[i] = TKind.Encrypt(_fleet.SenderSessions[0], km);
        }
        for (int i = 0; i < KeyExchanges; i++)
        {
            using var initiator = TKind.Initiate(_initiators[i], _fleet.Bundles[0]);
            _keyExchanges[i] = TKind.Encrypt(initiator, km);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public int FollowUpKey()
    {
        int total = 0;
        for (int i = 0; i < Messages; i++) total += TKind.Decrypt(_fleet.RecipientSessions[0], _keys[i]).Length;
        return total;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int FollowUpWholeMessage()
    {
        int total = 0;
        for (int i = 0; i < Messages; i++)
            total += TKind.DecryptMessage(_fleet.RecipientSessions[0], _keys[i], _payloads[i].Payload, _payloads[i].Iv)!.Length;
        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyExchanges)]
    public int KeyExchange()
    {
        int total = 0;
        for (int i = 0; i < KeyExchanges; i++)
        {
            using var session = TKind.Accept(_fleet.Receivers[0], _keyExchanges[i], out byte[] km);
            total += km.Length;
        }
        return total;
    }
}
