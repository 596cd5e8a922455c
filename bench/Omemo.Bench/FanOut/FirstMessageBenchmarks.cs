using BenchmarkDotNet.Attributes;
using Omemo.Sessions;

namespace Omemo.Bench.FanOut;

/// <summary>
/// The first message to N new devices: X3DH from each bundle and the first ratchet encryption (an
/// <c>OMEMOKeyExchange</c>), single-threaded and spread over all cores. Divide the reported time by N.
/// </summary>
[BenchmarkCategory("first-message")]
public class FirstMessageBenchmarks
{
    private Fleet _fleet = null!;
    private readonly byte[] _keyMaterial = new byte[OmemoPayload.KeyMaterialSize];

    /// <summary>New recipient devices.</summary>
    [Params(1, 10, 100, 1000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup() => _fleet = new Fleet(N);

    [GlobalCleanup]
    public void Cleanup() => _fleet.Dispose();

    [Benchmark(Baseline = true)]
    public int SingleThreaded()
    {
        int total = 0;
        foreach (var bundle in _fleet.Bundles) total += FirstMessage(bundle);
        return total;
    }

    [Benchmark]
    public int Parallel()
    {
        int total = 0;
        System.Threading.Tasks.Parallel.ForEach(_fleet.Bundles, bundle => Interlocked.Add(ref total, FirstMessage(bundle)));
        return total;
    }

    private int FirstMessage(X3dh.Bundle bundle)
    {
        using var session = OmemoSession.Initiate(_fleet.Sender, bundle);
        return session.Encrypt(_keyMaterial).Length;
    }
}
