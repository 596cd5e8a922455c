using BenchmarkDotNet.Attributes;
using Omemo.Sessions.Legacy;
using Omemo.Xml.Legacy;

namespace Omemo.Bench.Legacy;

/// <summary>
/// The next legacy OMEMO 0.3 message to N devices over established <see cref="LegacySession"/>s: batched with
/// <see cref="LegacySessionBatchEncryptor"/> (what <c>SessionManager</c> uses) and one session at a time, for the 32
/// bytes of key material alone, with the one AES-128-GCM payload of the message (<see cref="LegacyPayload.Encrypt"/>,
/// 200 bytes), and with the whole legacy &lt;encrypted&gt; XML (<see cref="LegacyEncryptedElement.ToXml"/>). Divide the
/// reported time and the allocated bytes by N for the cost per recipient device.
/// </summary>
[BenchmarkCategory("legacy-fan-out")]
public class LegacyNextMessageBenchmarks
{
    private LegacyFleet _fleet = null!;
    private LegacySessionBatchEncryptor _batch = null!;
    private byte[] _output = [];
    private int[] _lengths = [];
    private readonly byte[] _keyMaterial = new byte[LegacyPayload.KeyMaterialSize];
    private readonly byte[] _plaintext = new byte[200];

    /// <summary>Recipient devices.</summary>
    [Params(1, 100, 1000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fleet = new LegacyFleet(N).Establish();
        Random.Shared.NextBytes(_keyMaterial);
        _batch = new LegacySessionBatchEncryptor(maxDegreeOfParallelism: 1);
        _output = new byte[N * LegacySessionBatchEncryptor.GetOutputStride(_keyMaterial.Length)];
        _lengths = new int[N];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _batch.Dispose();
        _fleet.Dispose();
    }

    /// <summary>Key material only, batched: every device's <c>WhisperMessage</c> into one reused buffer.</summary>
    [Benchmark]
    public int KeyMaterialBatched()
    {
        _batch.Encrypt(_fleet.SenderSessions, _keyMaterial, _output, _lengths);
        return _lengths[N - 1];
    }

    /// <summary>Key material only: one <c>WhisperMessage</c> per device.</summary>
    [Benchmark(Baseline = true)]
    public int KeyMaterial() => _fleet.EncryptEach(_keyMaterial, N);

    /// <summary>A whole message's encryption: the AES-128-GCM payload once, then the key material per device.</summary>
    [Benchmark]
    public int WithPayload()
    {
        Span<byte> km = stackalloc byte[LegacyPayload.KeyMaterialSize];
        Span<byte> iv = stackalloc byte[LegacyPayload.IvSize];
        return LegacyPayload.Encrypt(_plaintext, km, iv).Length + _fleet.EncryptEach(km, N);
    }

    /// <summary><see cref="WithPayload"/> and the legacy &lt;encrypted&gt; element as a string.</summary>
    [Benchmark]
    public int WithPayloadAndXml() => LegacyFleet.EncryptMessageXml(_fleet.SenderSessions, _plaintext).Length;
}
