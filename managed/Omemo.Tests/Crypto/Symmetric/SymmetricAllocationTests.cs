using Omemo.Crypto;
using Xunit.Abstractions;

namespace Omemo.Tests.Crypto.Symmetric;

/// <summary>
/// The symmetric hot path must not allocate: OMEMO runs it for every message and every device. This is a
/// functional property (measured with the per-thread allocation counter, which is exact), not a timing test.
/// </summary>
public class SymmetricAllocationTests(ITestOutputHelper output)
{
    private const int Iterations = 1000;

    [Fact]
    public void Hot_path_allocates_nothing()
    {
        byte[] key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        byte[] iv = new byte[16], ad = new byte[66], plaintext = new byte[200], ciphertext = new byte[208], decrypted = new byte[208];
        byte[] tag = new byte[16], okm = new byte[80], prk = new byte[32], info = new byte[20];

        void Round()
        {
            AesCbc.Encrypt(key, iv, plaintext, ciphertext);
            AesCbc.TryDecrypt(key, iv, ciphertext, decrypted, out _);
            HmacSha256.Compute(key, ciphertext, tag);
            HmacSha256.Compute(key, ad, ciphertext, tag);
            HmacSha256.Verify(key, ad, ciphertext, tag);
            HmacSha256.Verify(key, ciphertext, tag);
            Hkdf.DeriveKey(key, iv, info, okm);
            Hkdf.Extract(key, iv, prk);
            Hkdf.Expand(prk, info, okm);
        }

        for (int i = 0; i < 3 * Iterations; i++) Round(); // warm-up: thread statics, JIT tiers

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++) Round();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"AES-NI available: {AesCbc.IsHardwareAccelerated}; {allocated} bytes over {Iterations} rounds");
        if (AesCbc.IsHardwareAccelerated)
        {
            Assert.Equal(0, allocated);
        }
        else
        {
            // Without AES-NI the BCL fallback allocates inside System.Security.Cryptography; the rest must not.
            long rest = Measure(() =>
            {
                HmacSha256.Compute(key, ad, ciphertext, tag);
                HmacSha256.Verify(key, ciphertext, tag);
                Hkdf.DeriveKey(key, iv, info, okm);
            });
            Assert.Equal(0, rest);
        }
    }

    [Theory]
    [InlineData("aes-ni encrypt")]
    [InlineData("aes-ni decrypt")]
    [InlineData("bcl encrypt")]
    [InlineData("bcl decrypt")]
    [InlineData("hmac")]
    [InlineData("hmac two-part")]
    [InlineData("hmac verify")]
    [InlineData("hkdf derive")]
    [InlineData("hkdf extract+expand")]
    public void Per_call_allocation_figures(string operation)
    {
        byte[] key = new byte[32], iv = new byte[16], pt = new byte[100], ct = new byte[112], back = new byte[112];
        byte[] tag = new byte[16], okm = new byte[64], prk = new byte[32];
        AesCbc.Encrypt(key, iv, pt, ct);
        Action call = operation switch
        {
            "aes-ni encrypt" => () => AesCbc.Encrypt(key, iv, pt, ct, AesCbcBackend.AesNi),
            "aes-ni decrypt" => () => AesCbc.TryDecrypt(key, iv, ct, back, out _, AesCbcBackend.AesNi),
            "bcl encrypt" => () => AesCbc.Encrypt(key, iv, pt, ct, AesCbcBackend.Bcl),
            "bcl decrypt" => () => AesCbc.TryDecrypt(key, iv, ct, back, out _, AesCbcBackend.Bcl),
            "hmac" => () => HmacSha256.Compute(key, pt, tag),
            "hmac two-part" => () => HmacSha256.Compute(key, iv, pt, tag),
            "hmac verify" => () => HmacSha256.Verify(key, iv, pt, tag),
            "hkdf derive" => () => Hkdf.DeriveKey(key, iv, pt, okm),
            "hkdf extract+expand" => () => { Hkdf.Extract(key, iv, prk); Hkdf.Expand(prk, pt, okm); },
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };

        if (operation.StartsWith("aes-ni", StringComparison.Ordinal) && !AesCbc.IsHardwareAccelerated) return;
        long bytes = Measure(call);
        output.WriteLine($"{operation}: {bytes / (double)Iterations:F1} B/call");
        if (!operation.StartsWith("bcl", StringComparison.Ordinal))
        {
            Assert.Equal(0, bytes);
        }
    }

    private static long Measure(Action call)
    {
        for (int i = 0; i < 3 * Iterations; i++) call();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++) call();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
