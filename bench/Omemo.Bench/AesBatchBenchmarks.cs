using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Omemo.Crypto;

namespace Omemo.Bench;

/// <summary>
/// AES-256-CBC fan-out: N recipients, each with its own key and IV, each encrypting OMEMO's 48 bytes of key
/// material (64 bytes of ciphertext), key expansion included. One by one (BCL, our AES-NI) vs AesCbcBatch's
/// interleaved AES-NI path. Divide by N for the per-lane cost. (No VAES row: .NET 10 has no Aes.V512.)
/// </summary>
[BenchmarkCategory("symmetric")]
public class AesBatchBenchmarks
{
    private const int PlaintextLength = 48;

    [Params(16, 1000)]
    public int N { get; set; }

    private byte[] _keys = [];
    private byte[] _ivs = [];
    private byte[] _plaintexts = [];
    private byte[] _ciphertexts = [];

    [GlobalSetup]
    public void Setup()
    {
        _keys = RandomNumberGenerator.GetBytes(N * AesCbc.KeySize);
        _ivs = RandomNumberGenerator.GetBytes(N * AesCbc.IvSize);
        _plaintexts = RandomNumberGenerator.GetBytes(N * PlaintextLength);
        _ciphertexts = new byte[N * AesCbcBatch.GetCiphertextLength(PlaintextLength)];
    }

    [Benchmark, BenchmarkCategory("AES-256-CBC fan-out 48 B")]
    public int OneByOne_Bcl() => OneByOne(AesCbcBackend.Bcl);

    [Benchmark(Baseline = true), BenchmarkCategory("AES-256-CBC fan-out 48 B")]
    public int OneByOne_AesNi() => OneByOne(AesCbcBackend.AesNi);

    [Benchmark, BenchmarkCategory("AES-256-CBC fan-out 48 B")]
    public int Batch_AesNiInterleaved()
        => AesCbcBatch.Encrypt(_keys, _ivs, _plaintexts, PlaintextLength, _ciphertexts, AesCbcBatchBackend.Interleaved);

    private int OneByOne(AesCbcBackend backend)
    {
        const int CiphertextLength = 64;
        int written = 0;
        for (int i = 0; i < N; i++)
        {
            written += AesCbc.Encrypt(
                _keys.AsSpan(i * AesCbc.KeySize, AesCbc.KeySize),
                _ivs.AsSpan(i * AesCbc.IvSize, AesCbc.IvSize),
                _plaintexts.AsSpan(i * PlaintextLength, PlaintextLength),
                _ciphertexts.AsSpan(i * CiphertextLength, CiphertextLength),
                backend);
        }

        return written;
    }
}
