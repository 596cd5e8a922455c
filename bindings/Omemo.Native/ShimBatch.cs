using System.Runtime.InteropServices;
using Omemo.Native.Interop;
using Omemo.Native.Internal;

namespace Omemo.Native;

/// <summary>
/// Batch curve operations in one native call each, through the project's optional
/// <c>libomemo_native_shim.so</c> (built from native/ with CMake, over libsodium). Results are byte-identical to
/// the single calls of <see cref="SodiumCurveBackend"/>; the point is one P/Invoke transition per batch, for
/// benchmarks and for fan-out (one key against many devices, many pre-keys at once).
/// <para>
/// The shim is optional: check <see cref="IsAvailable"/> (never throws) before constructing. It is found at the
/// absolute path in the environment variable <c>OMEMO_NATIVE_SHIM</c> when that is set, otherwise beside
/// Omemo.Native.dll, in <see cref="AppContext.BaseDirectory"/>, or on the dynamic linker's search path.
/// </para>
/// <para>
/// Arrays of keys and signatures are contiguous (32 bytes per key, 64 per signature). Messages are passed back to
/// back in one span plus a span of their lengths, which must add up to the messages' length exactly. Every size is
/// checked before native code runs; outputs must not overlap inputs. No call allocates. Thread-safe.
/// </para>
/// </summary>
public sealed unsafe class ShimBatch
{
    /// <summary>True when the shim is found, has the expected ABI version and initialised libsodium. Never throws.</summary>
    public static bool IsAvailable => NativeBackends.IsShimAvailable;

    /// <summary>Loads the shim (once per process).</summary>
    /// <exception cref="NativeLibraryMissingException">The shim is missing or unusable; the message says how to build and place it.</exception>
    public ShimBatch()
    {
        LibraryStatus status = NativeLoader.Shim;
        if (!status.Ready) throw NativeLibraryMissingException.ForShim(status.Failure);
    }

    /// <summary>Full path of the loaded shim, for diagnostics.</summary>
    public string? LibraryPath => NativeLoader.ShimPath;

    /// <summary>
    /// X25519 fan-out: writes X25519(<paramref name="privateKey"/>, key i) to bytes [32 i, 32 i + 32) of
    /// <paramref name="sharedSecrets"/> for each 32-byte key in <paramref name="peerPublicKeys"/>. An entry whose
    /// result is all zero (small-order peer key, what <see cref="Crypto.ICurveBackend.TryX25519Agree"/> reports as
    /// false) is left all zero.
    /// </summary>
    /// <returns>The number of rejected (all-zero) entries; 0 when every agreement succeeded.</returns>
    public int X25519Agree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKeys, Span<byte> sharedSecrets)
    {
        Guard.AtLeast(privateKey, Guard.KeySize, nameof(privateKey), "An X25519 private key");
        int count = CountOf(peerPublicKeys.Length, Guard.KeySize, nameof(peerPublicKeys));
        Guard.AtLeast(sharedSecrets, count * Guard.KeySize, nameof(sharedSecrets), "The shared secrets");
        NoOverlap(sharedSecrets, privateKey, nameof(sharedSecrets));
        NoOverlap(sharedSecrets, peerPublicKeys, nameof(sharedSecrets));
        long rejected;
        fixed (byte* sk = privateKey)
        fixed (byte* pks = peerPublicKeys)
        fixed (byte* ss = sharedSecrets)
        {
            rejected = Shim.omemo_x25519_batch(sk, pks, ss, (nuint)count);
        }
        return checked((int)Check(rejected));
    }

    /// <summary>X25519 public keys for each 32-byte private key in <paramref name="privateKeys"/> (clamped by libsodium).</summary>
    public void X25519DerivePublicKeys(ReadOnlySpan<byte> privateKeys, Span<byte> publicKeys)
    {
        int count = CountOf(privateKeys.Length, Guard.KeySize, nameof(privateKeys));
        Guard.AtLeast(publicKeys, count * Guard.KeySize, nameof(publicKeys), "The public keys");
        NoOverlap(publicKeys, privateKeys, nameof(publicKeys));
        fixed (byte* sks = privateKeys)
        fixed (byte* pks = publicKeys)
        {
            Check(Shim.omemo_x25519_base_batch(sks, pks, (nuint)count));
        }
    }

    /// <summary>
    /// Ed25519-signs every message with the key given by the 32-byte <paramref name="seed"/> (the key pair is
    /// expanded once per call); signature i goes to bytes [64 i, 64 i + 64) of <paramref name="signatures"/>.
    /// </summary>
    public void Ed25519Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> messages, ReadOnlySpan<int> messageLengths, Span<byte> signatures)
    {
        Guard.AtLeast(seed, Guard.KeySize, nameof(seed), "An Ed25519 seed");
        CheckLengths(messages, messageLengths);
        int count = messageLengths.Length;
        Guard.AtLeast(signatures, count * Guard.SignatureSize, nameof(signatures), "The signatures");
        NoOverlap(signatures, seed, nameof(signatures));
        NoOverlap(signatures, messages, nameof(signatures));
        fixed (byte* s = seed)
        fixed (byte* m = messages)
        fixed (int* lens = messageLengths)
        fixed (byte* sigs = signatures)
        {
            Check(Shim.omemo_ed25519_sign_batch(s, m, (nuint)messages.Length, (uint*)lens, (nuint)count, sigs));
        }
    }

    /// <summary>
    /// Verifies signature i over message i under 32-byte public key i (libsodium's
    /// <c>crypto_sign_verify_detached</c>) and stores the outcome in <paramref name="results"/>[i].
    /// </summary>
    /// <returns>The number of valid signatures.</returns>
    public int Ed25519Verify(ReadOnlySpan<byte> publicKeys, ReadOnlySpan<byte> messages, ReadOnlySpan<int> messageLengths,
        ReadOnlySpan<byte> signatures, Span<bool> results)
    {
        CheckLengths(messages, messageLengths);
        int count = messageLengths.Length;
        if (publicKeys.Length != count * Guard.KeySize)
            throw new ArgumentException($"Expected {count} public keys of {Guard.KeySize} bytes.", nameof(publicKeys));
        if (signatures.Length != count * Guard.SignatureSize)
            throw new ArgumentException($"Expected {count} signatures of {Guard.SignatureSize} bytes.", nameof(signatures));
        if (results.Length < count) throw new ArgumentException($"Needs room for {count} results.", nameof(results));
        Span<byte> resultBytes = MemoryMarshal.AsBytes(results); // bool is one byte; the shim writes 0 or 1
        long valid;
        fixed (byte* pks = publicKeys)
        fixed (byte* m = messages)
        fixed (int* lens = messageLengths)
        fixed (byte* sigs = signatures)
        fixed (byte* r = resultBytes)
        {
            valid = Shim.omemo_ed25519_verify_batch(pks, m, (nuint)messages.Length, (uint*)lens, (nuint)count, sigs, r);
        }
        return checked((int)Check(valid));
    }

    private static int CountOf(int length, int itemSize, string name)
    {
        if (length % itemSize != 0) throw new ArgumentException($"Length must be a multiple of {itemSize} bytes.", name);
        return length / itemSize;
    }

    private static void CheckLengths(ReadOnlySpan<byte> messages, ReadOnlySpan<int> messageLengths)
    {
        if (messageLengths.Length > int.MaxValue / Guard.SignatureSize)
            throw new ArgumentException("Too many messages for one batch.", nameof(messageLengths));
        long sum = 0;
        foreach (int length in messageLengths)
        {
            if (length < 0) throw new ArgumentException("Message lengths cannot be negative.", nameof(messageLengths));
            sum += length;
        }
        if (sum != messages.Length)
            throw new ArgumentException($"Message lengths add up to {sum}, but {messages.Length} message bytes were given.", nameof(messageLengths));
    }

    private static void NoOverlap(Span<byte> output, ReadOnlySpan<byte> input, string name)
    {
        if (output.Overlaps(input)) throw new ArgumentException("The output must not overlap an input.", name);
    }

    // The shim returns -1 only for arguments the checks above already exclude.
    private static long Check(long rc) =>
        rc >= 0 ? rc : throw new InvalidOperationException("libomemo_native_shim refused arguments that passed the managed checks.");
}
