using System.Security.Cryptography;
using CsCheck;
using Omemo.Crypto;
using Omemo.Native;
using Xunit.Abstractions;

namespace Omemo.InteropTests.Crypto;

/// <summary>
/// The shim's SHA-NI HMAC batch (<see cref="ShaNiHmacSha256Backend"/>) equals the managed multi-buffer paths and the
/// BCL lane by lane, called directly and plugged in as <see cref="HmacSha256Batch.Backend"/>.
/// </summary>
public sealed class ShaNiHmacTests(ITestOutputHelper output)
{
    private static readonly Gen<byte[]> Message = Gen.OneOf(Gen.Int[0, 300], Gen.Int[50, 70], Gen.Int[110, 130]).SelectMany(n => Gen.Byte.Array[n]);
    private static readonly Gen<(byte[] Key, byte[] Message)[]> Lanes = Gen.Select(Gen.Byte.Array[0, 64], Message).Array[1, 40];

    private bool Ready(out ShaNiHmacSha256Backend backend)
    {
        backend = null!;
        if (!NativeRequirement.Shim(output)) return false;
        string? reason = ShaNiHmacSha256Backend.UnavailableReason;
        if (reason is null)
        {
            backend = new ShaNiHmacSha256Backend();
            return true;
        }
        if (!ShaNiHmacSha256Backend.IsAvailable && reason.Contains("no SHA-NI", StringComparison.Ordinal))
        {
            output.WriteLine($"NOT RUN: {reason}"); // a CPU property, not a missing install
            return false;
        }
        string message = $"The SHA-NI HMAC batch is not available ({reason}). Rebuild the shim: cmake -S native -B native/build && "
            + "cmake --build native/build, then set OMEMO_NATIVE_SHIM=/absolute/path/to/libomemo_native_shim.so.";
        if (Environment.GetEnvironmentVariable(NativeRequirement.AllowMissingVariable) == "1")
        {
            output.WriteLine($"NATIVE TEST NOT RUN ({NativeRequirement.AllowMissingVariable}=1): {message}");
            return false;
        }
        Assert.Fail(message + $" (Set {NativeRequirement.AllowMissingVariable}=1 to let native tests pass without it.)");
        return false;
    }

    [Fact]
    public void Native_equals_managed_and_BCL()
    {
        if (!Ready(out var native)) return;
        Gen.Select(Lanes, Gen.Int[1, 32], Gen.Bool).Sample((lanes, macLength, oneKey) =>
        {
            int n = lanes.Length;
            var states = new HmacSha256KeyState[oneKey ? 1 : n];
            for (int i = 0; i < states.Length; i++) HmacSha256Batch.PrecomputeKeys(lanes[i].Key, lanes[i].Key.Length, states.AsSpan(i, 1));
            byte[] data = lanes.SelectMany(l => l.Message).ToArray();
            int[] lengths = lanes.Select(l => l.Message.Length).ToArray();
            int[] offsets = new int[n];
            for (int i = 1; i < n; i++) offsets[i] = offsets[i - 1] + lengths[i - 1];

            byte[] managed = new byte[n * macLength], viaNative = new byte[n * macLength];
            HmacSha256Batch.ComputeMacs(states, data, offsets, lengths, managed, macLength);
            native.ComputeMacs(states, data, offsets, lengths, viaNative, macLength, macLength);
            Assert.Equal(managed, viaNative);
            for (int i = 0; i < n; i++)
            {
                byte[] key = lanes[oneKey ? 0 : i].Key;
                Assert.Equal(HMACSHA256.HashData(key, lanes[i].Message)[..macLength], viaNative.AsSpan(i * macLength, macLength).ToArray());
            }
        }, iter: 300, writeLine: output.WriteLine);
    }

    [Fact]
    public void Plugged_in_backend_serves_KDF_CK_and_HKDF()
    {
        if (!Ready(out var native)) return;
        IHmacSha256BatchBackend? previous = HmacSha256Batch.Backend;
        HmacSha256Batch.Backend = native;
        try
        {
            Gen.Byte.Array[32].Array[1, 100].Sample(keys =>
            {
                byte[] chainKeys = keys.SelectMany(k => k).ToArray();
                byte[] messageKeys = new byte[chainKeys.Length], next = new byte[chainKeys.Length], okm = new byte[keys.Length * 80];
                HmacSha256Batch.DeriveChainKeys(chainKeys, messageKeys, next);
                HkdfBatch.DeriveKeys(new byte[32], chainKeys, 32, "OMEMO Message Key Material"u8, okm, 80);
                for (int i = 0; i < keys.Length; i++)
                {
                    Assert.Equal(HMACSHA256.HashData(keys[i], new byte[] { 1 }), messageKeys.AsSpan(i * 32, 32).ToArray());
                    Assert.Equal(HMACSHA256.HashData(keys[i], new byte[] { 2 }), next.AsSpan(i * 32, 32).ToArray());
                    byte[] expected = HKDF.DeriveKey(HashAlgorithmName.SHA256, keys[i], 80, new byte[32], "OMEMO Message Key Material"u8.ToArray());
                    Assert.Equal(expected, okm.AsSpan(i * 80, 80).ToArray());
                }
            }, iter: 100, writeLine: output.WriteLine);
        }
        finally
        {
            HmacSha256Batch.Backend = previous;
        }
    }
}
