using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Omemo.Crypto;

namespace Omemo.Bench;

/// <summary>
/// AES-256-CBC (our AES-NI path vs the BCL path that allocates), HMAC-SHA-256 and HKDF at OMEMO's sizes:
/// a 32-byte payload key + tag (the per-recipient key material) and a 1 KiB message.
/// </summary>
[BenchmarkCategory("symmetric")]
public class SymmetricBenchmarks
{
    [Params(32, 1024)]
    public int Length { get; set; }

    private readonly byte[] _key = new byte[32];
    private readonly byte[] _iv = new byte[16];
    private byte[] _plaintext = [];
    private byte[] _ciphertext = [];
    private byte[] _output = [];
    private readonly byte[] _mac = new byte[32];
    private readonly byte[] _okm = new byte[80];

    [GlobalSetup]
    public void Setup()
    {
        RandomNumberGenerator.Fill(_key);
        RandomNumberGenerator.Fill(_iv);
        _plaintext = RandomNumberGenerator.GetBytes(Length);
        _ciphertext = new byte[AesCbc.GetCiphertextLength(Length)];
        _output = new byte[_ciphertext.Length];
        AesCbc.Encrypt(_key, _iv, _plaintext, _ciphertext);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("AES-256-CBC encrypt")]
    public int AesEncrypt_AesNi() => AesCbc.Encrypt(_key, _iv, _plaintext, _output, AesCbcBackend.AesNi);

    [Benchmark, BenchmarkCategory("AES-256-CBC encrypt")]
    public int AesEncrypt_Bcl() => AesCbc.Encrypt(_key, _iv, _plaintext, _output, AesCbcBackend.Bcl);

    [Benchmark(Baseline = true), BenchmarkCategory("AES-256-CBC decrypt")]
    public bool AesDecrypt_AesNi() => AesCbc.TryDecrypt(_key, _iv, _ciphertext, _output, out _, AesCbcBackend.AesNi);

    [Benchmark, BenchmarkCategory("AES-256-CBC decrypt")]
    public bool AesDecrypt_Bcl() => AesCbc.TryDecrypt(_key, _iv, _ciphertext, _output, out _, AesCbcBackend.Bcl);

    [Benchmark, BenchmarkCategory("HMAC-SHA-256")]
    public void Hmac() => HmacSha256.Compute(_key, _plaintext, _mac);

    [Benchmark, BenchmarkCategory("HKDF-SHA-256 80 B")]
    public void HkdfDerive() => Hkdf.DeriveKey(_plaintext, _iv, "OMEMO Message Key Material"u8, _okm);
}
