using BenchmarkDotNet.Attributes;
using Omemo.Sessions;
using Omemo.Xml;

namespace Omemo.Bench.FanOut;

/// <summary>
/// Issue 5's main figure: the next message of a group chat to N devices over established sessions, per recipient
/// device: divide the reported time by N. Batched (<see cref="SessionBatchEncryptor"/>) against one by one
/// (<see cref="OmemoSession.Encrypt"/>), and the batch including the payload and the whole &lt;encrypted&gt; XML.
/// </summary>
[BenchmarkCategory("fan-out")]
public class NextMessageBenchmarks
{
    private Fleet _fleet = null!;
    private SessionBatchEncryptor _batch = null!;
    private readonly byte[] _keyMaterial = new byte[OmemoPayload.KeyMaterialSize];
    private readonly byte[] _plaintext = new byte[200];
    private byte[] _output = [];
    private int[] _lengths = [];
    private KeyRecipient[] _recipients = [];
    private byte[] _xml = [];

    /// <summary>Recipient devices.</summary>
    [Params(1, 10, 100, 1000, 10000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fleet = new Fleet(N).Establish();
        _batch = new SessionBatchEncryptor();
        Random.Shared.NextBytes(_keyMaterial);
        int stride = SessionBatchEncryptor.GetOutputStride(_keyMaterial.Length);
        _output = new byte[N * stride];
        _lengths = new int[N];
        _recipients = Enumerable.Range(0, N).Select(i => new KeyRecipient($"member{i / 100}@example.org", (uint)i + 1, false)).ToArray();
        int[] maxLengths = Enumerable.Repeat(stride, N).ToArray();
        _xml = new byte[EncryptedElementWriter.GetMaxByteCount(_recipients, maxLengths, Crypto.AesCbc.GetCiphertextLength(_plaintext.Length))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _batch.Dispose();
        _fleet.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int OneByOne() => _fleet.EncryptEach(_keyMaterial, N);

    [Benchmark]
    public int Batched()
    {
        _batch.Encrypt(_fleet.SenderSessions, _keyMaterial, _output, _lengths);
        return _lengths[^1];
    }

    [Benchmark]
    public int BatchedWithPayloadAndXml()
    {
        Span<byte> km = stackalloc byte[OmemoPayload.KeyMaterialSize];
        byte[] payload = OmemoPayload.Encrypt(_plaintext, km);
        _batch.Encrypt(_fleet.SenderSessions, km, _output, _lengths);
        return EncryptedElementWriter.Write(_xml, 4711, _recipients, _output, SessionBatchEncryptor.GetOutputStride(km.Length), _lengths, payload, true);
    }
}
