using BenchmarkDotNet.Attributes;
using Omemo.Sessions;

namespace Omemo.Bench.FanOut;

/// <summary>
/// Decrypting a follow-up message (no key exchange) on an established session, a whole message (key and payload),
/// and a first message (an <c>OMEMOKeyExchange</c>: X3DH as responder, new session, first decryption). Each iteration
/// decrypts a fresh run of messages prepared in the iteration setup.
/// </summary>
[BenchmarkCategory("decrypt")]
public class DecryptBenchmarks
{
    private const int Messages = 2000;
    private const int KeyExchanges = 100;
    private Fleet _fleet = null!;
    private readonly byte[][] _keys = new byte[Messages][];
    private readonly byte[][] _payloads = new byte[Messages][];
    private readonly byte[] _plaintext = new byte[200];
    private readonly byte[][] _keyExchanges = new byte[KeyExchanges][];
    private readonly X3dh.IdentityKeyPair[] _initiators = [.. Enumerable.Range(0, KeyExchanges).Select(_ => X3dh.IdentityKeyPair.Generate())];

    [GlobalSetup]
    public void Setup() => _fleet = new Fleet(1).Establish();

    [GlobalCleanup]
    public void Cleanup()
    {
        _fleet.Dispose();
        foreach (var i in _initiators) i.Dispose();
    }

    [IterationSetup]
    public void Prepare()
    {
        byte[] km = new byte[OmemoPayload.KeyMaterialSize];
        for (int i = 0; i < Messages; i++)
        {
            _payloads[i] = OmemoPayload.Encrypt(_plaintext, km);
            _keys[i] = _fleet.SenderSessions[0].Encrypt(km);
        }
        for (int i = 0; i < KeyExchanges; i++)
        {
            using var initiator = OmemoSession.Initiate(_initiators[i], _fleet.Bundles[0]);
            _keyExchanges[i] = initiator.Encrypt(km);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public int FollowUpKey()
    {
        int total = 0;
        for (int i = 0; i < Messages; i++) total += _fleet.RecipientSessions[0].Decrypt(_keys[i]).Length;
        return total;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int FollowUpWholeMessage()
    {
        int total = 0;
        for (int i = 0; i < Messages; i++) total += _fleet.RecipientSessions[0].DecryptMessage(_keys[i], _payloads[i])!.Length;
        return total;
    }

    [Benchmark(OperationsPerInvoke = KeyExchanges)]
    public int KeyExchange()
    {
        int total = 0;
        for (int i = 0; i < KeyExchanges; i++)
        {
            using var session = OmemoSession.AcceptKeyExchange(_fleet.Recipients[0], _fleet.PreKeySource(0), _keyExchanges[i], out byte[] km);
            total += km.Length;
        }
        return total;
    }
}
