using BenchmarkDotNet.Attributes;
using Omemo.Sessions;

namespace Omemo.Bench.FanOut;

/// <summary>
/// Decrypting a follow-up message (no key exchange) on an established session, and a whole message (key and
/// payload). Each iteration decrypts a fresh run of <see cref="Messages"/> messages prepared in the iteration setup.
/// </summary>
[BenchmarkCategory("decrypt")]
public class DecryptBenchmarks
{
    private const int Messages = 2000;
    private Fleet _fleet = null!;
    private readonly byte[][] _keys = new byte[Messages][];
    private readonly byte[][] _payloads = new byte[Messages][];
    private readonly byte[] _plaintext = new byte[200];

    [GlobalSetup]
    public void Setup() => _fleet = new Fleet(1).Establish();

    [GlobalCleanup]
    public void Cleanup() => _fleet.Dispose();

    [IterationSetup]
    public void Prepare()
    {
        byte[] km = new byte[OmemoPayload.KeyMaterialSize];
        for (int i = 0; i < Messages; i++)
        {
            _payloads[i] = OmemoPayload.Encrypt(_plaintext, km);
            _keys[i] = _fleet.SenderSessions[0].Encrypt(km);
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
}
