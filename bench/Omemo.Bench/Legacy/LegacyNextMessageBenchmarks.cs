using BenchmarkDotNet.Attributes;
using Omemo.Sessions.Legacy;
using Omemo.Xml.Legacy;

namespace Omemo.Bench.Legacy;

/// <summary>
/// The next legacy OMEMO 0.3 message to N devices over established <see cref="LegacySession"/>s, one session at a time
/// (the legacy path is not batched): the 32 bytes of key material alone, with the one AES-128-GCM payload of the
/// message (<see cref="LegacyPayload.Encrypt"/>, 200 bytes), and with the whole legacy &lt;encrypted&gt; XML
/// (<see cref="LegacyEncryptedElement.ToXml"/>). Divide the reported time and the allocated bytes by N for the cost
/// per recipient device.
/// </summary>
[BenchmarkCategory("legacy-fan-out")]
public class LegacyNextMessageBenchmarks
{
    private LegacyFleet _fleet = null!;
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
    }

    [GlobalCleanup]
    public void Cleanup() => _fleet.Dispose();

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
