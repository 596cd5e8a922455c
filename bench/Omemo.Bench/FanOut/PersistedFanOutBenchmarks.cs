using BenchmarkDotNet.Attributes;
using Omemo.Pep;
using Omemo.Sessions;
using Omemo.Storage;
using Omemo.TrustPolicies;

namespace Omemo.Bench.FanOut;

/// <summary>
/// The whole <see cref="SessionManager.EncryptAsync"/> of a next message to N devices over established sessions
/// persisted in SQLite (WAL, synchronous=FULL): device-list fetch through the in-memory PEP model, N session reads,
/// the batch encryption, N serialized states and one transaction. Divide the reported time by N.
/// </summary>
[BenchmarkCategory("persisted")]
public class PersistedFanOutBenchmarks
{
    private const string Sender = "sender@example.org";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "omemo-bench-" + Guid.NewGuid().ToString("N"));
    private readonly List<SessionManager> _recipients = [];
    private readonly List<IOmemoStore> _stores = [];
    private SessionManager _sender = null!;
    private string[] _jids = [];
    private readonly byte[] _plaintext = new byte[200];

    /// <summary>Recipient devices (10 JIDs).</summary>
    [Params(100, 1000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        Directory.CreateDirectory(_directory);
        var pep = new InMemoryPepService();
        _jids = Enumerable.Range(0, 10).Select(i => $"member{i}@example.org").ToArray();
        for (int i = 0; i < N; i++)
        {
            string jid = _jids[i % _jids.Length];
            _recipients.Add(await SessionManager.CreateAsync(new InMemoryOmemoStore(), new InMemoryPepTransport(pep, jid),
                BlindTrustBeforeVerificationPolicy.Instance, jid));
        }
        var store = await SqliteOmemoStore.OpenAsync(Path.Combine(_directory, "sender.db"));
        _stores.Add(store);
        _sender = await SessionManager.CreateAsync(store, new InMemoryPepTransport(pep, Sender), BlindTrustBeforeVerificationPolicy.Instance, Sender);
        await _sender.EncryptAsync(_jids, _plaintext); // builds every session (the key exchanges stay pending; sizes are alike)
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        foreach (var r in _recipients) r.Dispose();
        foreach (var s in _stores) s.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public int EncryptAsync_Sqlite() => _sender.EncryptAsync(_jids, _plaintext).GetAwaiter().GetResult().Element.Keys.Count;
}
