using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Omemo.Crypto;
using Omemo.Native;

namespace Omemo.Bench;

/// <summary>
/// Batch HMAC-SHA-256 (issue 5): N MACs with precomputed key states on each SHA-256 path (managed scalar, AVX2
/// 8 lanes, AVX-512 16 lanes, the shim's SHA-NI) against the BCL one by one (which hashes the key blocks every
/// time, as the engine's single-lane code does). Messages of 1 byte (KDF_CK) and 170 bytes (OMEMO's MAC input).
/// Per-lane cost = median / N. The native rows are skipped (return 0) when the shim or SHA-NI is missing.
/// </summary>
[BenchmarkCategory("hash-batch")]
public class HashBatchBenchmarks
{
    [Params(16, 1000)]
    public int N { get; set; }

    [Params(1, 170)]
    public int MessageLength { get; set; }

    private byte[] _keys = [], _data = [], _macs = [];
    private int[] _offsets = [], _lengths = [];
    private HmacSha256KeyState[] _states = [];
    private ShaNiHmacSha256Backend? _native;

    [GlobalSetup]
    public void Setup()
    {
        _keys = RandomNumberGenerator.GetBytes(N * 32);
        _data = RandomNumberGenerator.GetBytes(N * MessageLength);
        _macs = new byte[N * 32];
        _lengths = Enumerable.Repeat(MessageLength, N).ToArray();
        _offsets = Enumerable.Range(0, N).Select(i => i * MessageLength).ToArray();
        _states = new HmacSha256KeyState[N];
        HmacSha256Batch.PrecomputeKeys(_keys, 32, _states);
        _native = ShaNiHmacSha256Backend.IsAvailable ? new ShaNiHmacSha256Backend() : null;
    }

    [Benchmark(Baseline = true)]
    public void Bcl_one_by_one()
    {
        for (int i = 0; i < N; i++)
            HMACSHA256.HashData(_keys.AsSpan(i * 32, 32), _data.AsSpan(i * MessageLength, MessageLength), _macs.AsSpan(i * 32, 32));
    }

    [Benchmark]
    public void Managed_scalar() => Managed(Sha256Path.Scalar);

    [Benchmark]
    public void Managed_avx2_x8() => Managed(Sha256Path.Vector256);

    [Benchmark]
    public void Managed_avx512_x16() => Managed(Sha256Path.Vector512);

    [Benchmark]
    public void Managed_auto() => Managed(null);

    [Benchmark]
    public void Native_shani() => _native?.ComputeMacs(_states, _data, _offsets, _lengths, _macs, 32, 32);

    private void Managed(Sha256Path? path)
    {
        Sha256MultiBuffer.ForcedPath = path;
        HmacSha256Batch.ComputeMacs(_states, _data, _offsets, _lengths, _macs, 32);
        Sha256MultiBuffer.ForcedPath = null;
    }
}

/// <summary>HKDF-SHA-256 to 80 bytes (OMEMO's message keys) for N input keys: the BCL one by one vs <see cref="HkdfBatch"/> per path.</summary>
[BenchmarkCategory("hash-batch")]
public class HashBatchHkdfBenchmarks
{
    private static ReadOnlySpan<byte> Info => "OMEMO Message Key Material"u8;

    [Params(16, 1000)]
    public int N { get; set; }

    private byte[] _ikms = [], _okm = [];
    private readonly byte[] _salt = new byte[32];
    private HmacSha256KeyState _saltState;
    private ShaNiHmacSha256Backend? _native;

    [GlobalSetup]
    public void Setup()
    {
        _ikms = RandomNumberGenerator.GetBytes(N * 32);
        _okm = new byte[N * 80];
        _saltState = HkdfBatch.PrecomputeSalt(_salt);
        _native = ShaNiHmacSha256Backend.IsAvailable ? new ShaNiHmacSha256Backend() : null;
    }

    [Benchmark(Baseline = true)]
    public void Bcl_one_by_one()
    {
        for (int i = 0; i < N; i++)
            HKDF.DeriveKey(HashAlgorithmName.SHA256, _ikms.AsSpan(i * 32, 32), _okm.AsSpan(i * 80, 80), _salt, Info);
    }

    [Benchmark]
    public void Batch_scalar() => Derive(Sha256Path.Scalar, null);

    [Benchmark]
    public void Batch_avx2_x8() => Derive(Sha256Path.Vector256, null);

    [Benchmark]
    public void Batch_avx512_x16() => Derive(Sha256Path.Vector512, null);

    [Benchmark]
    public void Batch_auto() => Derive(null, null);

    [Benchmark]
    public void Batch_native_shani() => Derive(null, _native);

    private void Derive(Sha256Path? path, IHmacSha256BatchBackend? backend)
    {
        Sha256MultiBuffer.ForcedPath = path;
        HmacSha256Batch.Backend = backend;
        HkdfBatch.DeriveKeys(_saltState, _ikms, 32, Info, _okm, 80);
        HmacSha256Batch.Backend = null;
        Sha256MultiBuffer.ForcedPath = null;
    }
}
