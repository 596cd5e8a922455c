using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Omemo.CrashWorker;
using Omemo.Pep;
using Omemo.Sessions;
using Omemo.Storage;
using Omemo.TrustPolicies;
using Omemo.Xml;
using Xunit.Abstractions;

namespace Omemo.Tests.Storage.CrashRecovery;

/// <summary>
/// The setting of one crash test: a temporary directory for SQLite files, one seeded <see cref="Random"/> (seed from
/// <c>OMEMO_CRASH_SEED</c> or fresh; it fixes message order, plaintexts and kill delays, not where a delay lands),
/// one <see cref="InMemoryPepService"/> whose publishes are recorded for the worker, and a timestamped log.
/// </summary>
internal sealed class CrashLab : IAsyncDisposable
{
    public const string SeedVariable = "OMEMO_CRASH_SEED";

    /// <summary>The smallest bundle the engine allows: in-memory devices are created faster.</summary>
    private static readonly SessionManagerOptions SmallBundle = new()
    {
        PreKeyCount = SessionManagerOptions.MinimumPreKeys,
        PreKeyRefillThreshold = SessionManagerOptions.MinimumPreKeys,
    };

    private readonly ITestOutputHelper _output;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<SessionManager> _devices = [];
    private bool _failed;

    private CrashLab(ITestOutputHelper output)
    {
        _output = output;
        Seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), CultureInfo.InvariantCulture, out int seed) ? seed : Random.Shared.Next();
        Random = new Random(Seed);
        Directory = Path.Combine(Path.GetTempPath(), "omemo-crash-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Log($"seed {Seed} ({SeedVariable}={Seed} repeats the schedule), files in {Directory}");
    }

    public int Seed { get; }

    public Random Random { get; }

    public string Directory { get; }

    public InMemoryPepService Pep { get; } = new();

    public PepLog PepLog { get; } = new();

    public string PepLogPath => Path.Combine(Directory, "pep.log");

    public void Log(string message) => _output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.00} s] {message}");

    /// <summary>Runs a crash test in a fresh lab; a failure names the seed and keeps the lab's files.</summary>
    public static async Task RunAsync(ITestOutputHelper output, Func<CrashLab, Task> body)
    {
        await using var lab = new CrashLab(output);
        try
        {
            await body(lab);
        }
        catch (Exception e)
        {
            lab._failed = true;
            throw new CrashTestFailedException($"{e.Message} [seed {lab.Seed}; {SeedVariable}={lab.Seed} repeats the schedule]", e);
        }
    }

    /// <summary>In-memory devices, <paramref name="perJid"/> for each JID, publishing on <see cref="Pep"/> (JIDs in parallel, one per core).</summary>
    public async Task<IReadOnlyList<SessionManager>> CreateDevicesAsync(IReadOnlyList<string> jids, int perJid)
    {
        var created = new ConcurrentBag<SessionManager>();
        await Parallel.ForEachAsync(jids, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (jid, ct) =>
        {
            for (int i = 0; i < perJid; i++) // one JID's devices one after another: each extends the same device list
                created.Add(await SessionManager.CreateAsync(new InMemoryOmemoStore(), PepLog.Transport(Pep, jid),
                    BlindTrustBeforeVerificationPolicy.Instance, jid, SmallBundle, ct));
        });
        var devices = created.OrderBy(d => d.Jid, StringComparer.Ordinal).ThenBy(d => d.DeviceId).ToList();
        _devices.AddRange(devices);
        return devices;
    }

    /// <summary>Creates the SQLite device of <paramref name="jid"/> for a worker and publishes it on <see cref="Pep"/>; returns its bundle.</summary>
    public async Task<(uint DeviceId, X3dh.Bundle Bundle)> CreateStoredDeviceAsync(string jid)
    {
        await using var store = await SqliteOmemoStore.OpenAsync(StorePath(jid));
        using var device = await SessionManager.CreateAsync(store, PepLog.Transport(Pep, jid), BlindTrustBeforeVerificationPolicy.Instance, jid);
        return (device.DeviceId, device.GetBundle());
    }

    public string StorePath(string jid) => Path.Combine(Directory, jid + ".db");

    /// <summary>Publishes <paramref name="bundle"/> as the bundle of <paramref name="jid"/>/<paramref name="deviceId"/> (the test acting as that device's server).</summary>
    public async Task PublishBundleAsync(string jid, uint deviceId, X3dh.Bundle bundle)
    {
        string id = "crash-" + Guid.NewGuid().ToString("N");
        PepStanzas.ParsePublishResult(await PepLog.Transport(Pep, jid).SendIqAsync(PepStanzas.PublishBundle(id, deviceId, bundle), default), id);
    }

    /// <summary><c>PRAGMA integrity_check</c> of the SQLite store of <paramref name="jid"/> (<c>ok</c> when sound).</summary>
    public async Task<string> IntegrityCheckAsync(string jid)
    {
        await using var connection = new SqliteConnection($"Data Source={StorePath(jid)};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A fresh UTF-8 plaintext: <paramref name="label"/> and a random number.</summary>
    public byte[] Text(string label) => Encoding.UTF8.GetBytes($"{label} #{Random.Next():x8}");

    /// <summary>A driver for the worker process that runs the SQLite device of <paramref name="jid"/>.</summary>
    public WorkerDriver Worker(string jid) => new(this, jid);

    /// <summary>
    /// Delivers <paramref name="messages"/> (XML parsed once) in order to every device, in parallel across devices,
    /// and checks each plaintext; returns each device's last automatic reply.
    /// </summary>
    public static async Task<IReadOnlyDictionary<SessionManager, EncryptedElement>> DeliverAsync(IReadOnlyList<SessionManager> devices,
        string senderJid, IReadOnlyList<SentMessage> messages)
    {
        var replies = new ConcurrentDictionary<SessionManager, EncryptedElement>();
        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (device, ct) =>
        {
            foreach (var message in messages)
            {
                var result = await device.DecryptAsync(senderJid, message.Element, ct);
                if (result.Plaintext is null || !result.Plaintext.AsSpan().SequenceEqual(message.Plaintext))
                    throw new CrashTestFailedException($"{device.Jid}/{device.DeviceId} did not get message {message.Seq} intact.");
                if (result.AutomaticReply is { } reply) replies[device] = reply;
            }
        });
        return replies;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var device in _devices) device.Dispose();
        if (_failed)
            Log($"kept {Directory} (SQLite stores, pep.log) for inspection");
        else
            System.IO.Directory.Delete(Directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>An acknowledged, encrypted message with the plaintext it must decrypt to.</summary>
internal sealed record SentMessage(int Seq, EncryptedElement Element, byte[] Plaintext);

/// <summary>A crash test failed (the message names the seed).</summary>
internal sealed class CrashTestFailedException(string message, Exception? inner = null) : Exception(message, inner);
