using BenchmarkDotNet.Attributes;
using Omemo.Bench.Shared;

namespace Omemo.Bench;

/// <summary>
/// The first message of one OMEMO version (<typeparamref name="TKind"/>) to N new devices: a session from each bundle
/// (signed pre-key check, X3DH) and the first encryption (a key exchange), single-threaded and spread over all cores.
/// Divide the reported time by N. The concrete classes name the version.
/// </summary>
/// <typeparam name="TKind">The version.</typeparam>
/// <typeparam name="TSession">Its session type.</typeparam>
/// <typeparam name="TBundle">Its bundle type.</typeparam>
public abstract class FirstMessageBenchmarksBase<TKind, TSession, TBundle>
    where TKind : ISessionKind<TSession, TBundle> where TSession : IDisposable
{
    private SessionFleet<TKind, TSession, TBundle> _fleet = null!;
    private readonly byte[] _keyMaterial = new byte[TKind.KeyMaterialSize];

    /// <summary>New recipient devices.</summary>
    [Params(1, 10, 100, 1000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup() => _fleet = new SessionFleet<TKind, TSession, TBundle>(N);

    [GlobalCleanup]
    public void Cleanup() => _fleet.Dispose();

    [Benchmark(Baseline = true)]
    public int SingleThreaded()
    {
        int total = 0;
        foreach (var bundle in _fleet.Bundles) total += _fleet.FirstMessage(bundle, _keyMaterial);
        return total;
    }

    [Benchmark]
    public int Parallel()
    {
        int total = 0;
        System.Threading.Tasks.Parallel.ForEach(_fleet.Bundles, bundle => Interlocked.Add(ref total, _fleet.FirstMessage(bundle, _keyMaterial)));
        return total;
    }
}
