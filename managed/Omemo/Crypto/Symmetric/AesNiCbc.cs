using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Omemo.Crypto;

/// <summary>
/// AES-256-CBC on the x86 AES-NI instructions: hardware rounds (no tables, so no cache-timing leak),
/// no allocation. Encryption is sequential (CBC chaining); decryption runs four blocks in parallel.
/// Callers (<see cref="AesCbc"/>) have validated every length. The entry points are compiled fully optimised
/// straight away: unoptimised (tier-0) code would be several times slower and would spill round keys to
/// more stack slots than the wiped <see cref="Aes256RoundKeys"/> buffer.
/// </summary>
internal static class AesNiCbc
{
    internal static bool IsSupported => AesNi.IsSupported && Sse2.IsSupported;

    /// <summary>
    /// Encrypts the whole blocks of <paramref name="body"/> and then the padded <paramref name="finalBlock"/>
    /// into <paramref name="destination"/> (<c>body.Length + 16</c> bytes; may start at <paramref name="body"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> body, ReadOnlySpan<byte> finalBlock, Span<byte> destination)
    {
        Aes256RoundKeys rk = default;
        try
        {
            ExpandKey(key, ref rk);
            Vector128<byte> chain = Vector128.Create(iv);
            int offset = 0;
            for (; offset < body.Length; offset += 16)
            {
                chain = EncryptBlock(Vector128.Create(body[offset..]) ^ chain, ref rk);
                chain.CopyTo(destination[offset..]);
            }

            chain = EncryptBlock(Vector128.Create(finalBlock) ^ chain, ref rk);
            chain.CopyTo(destination[offset..]);
        }
        finally
        {
            Span<Vector128<byte>> keys = rk;
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(keys));
        }
    }

    /// <summary>
    /// Decrypts <paramref name="ciphertext"/> (a non-zero multiple of 16 bytes): all blocks but the last into
    /// <paramref name="body"/> (<c>ciphertext.Length - 16</c> bytes; may start at <paramref name="ciphertext"/>),
    /// the last one into <paramref name="finalBlock"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> body, Span<byte> finalBlock)
    {
        Aes256RoundKeys rk = default;
        try
        {
            ExpandKey(key, ref rk);

            // Equivalent inverse cipher: the inner round keys go through InvMixColumns; the cipher then
            // walks them from rk[14] down to rk[0].
            for (int i = 1; i < 14; i++)
            {
                rk[i] = AesNi.InverseMixColumns(rk[i]);
            }

            Vector128<byte> chain = Vector128.Create(iv);
            int bodyLength = ciphertext.Length - 16;
            int offset = 0;

            // Four independent blocks per iteration keep the AES unit busy. Every ciphertext block of the
            // group is loaded before any plaintext is stored, so in-place decryption is safe.
            for (; offset + 64 <= bodyLength; offset += 64)
            {
                Vector128<byte> c0 = Vector128.Create(ciphertext[offset..]);
                Vector128<byte> c1 = Vector128.Create(ciphertext[(offset + 16)..]);
                Vector128<byte> c2 = Vector128.Create(ciphertext[(offset + 32)..]);
                Vector128<byte> c3 = Vector128.Create(ciphertext[(offset + 48)..]);
                DecryptBlocks4(c0, c1, c2, c3, ref rk, out Vector128<byte> d0, out Vector128<byte> d1, out Vector128<byte> d2, out Vector128<byte> d3);
                (d0 ^ chain).CopyTo(body[offset..]);
                (d1 ^ c0).CopyTo(body[(offset + 16)..]);
                (d2 ^ c1).CopyTo(body[(offset + 32)..]);
                (d3 ^ c2).CopyTo(body[(offset + 48)..]);
                chain = c3;
            }

            for (; offset < bodyLength; offset += 16)
            {
                Vector128<byte> c = Vector128.Create(ciphertext[offset..]);
                (DecryptBlock(c, ref rk) ^ chain).CopyTo(body[offset..]);
                chain = c;
            }

            Vector128<byte> last = Vector128.Create(ciphertext[bodyLength..]);
            (DecryptBlock(last, ref rk) ^ chain).CopyTo(finalBlock);
        }
        finally
        {
            Span<Vector128<byte>> keys = rk;
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(keys));
        }
    }

    /// <summary>FIPS-197 AES-256 key expansion with AESKEYGENASSIST (rcon must be an immediate, hence the unrolling).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExpandKey(ReadOnlySpan<byte> key, ref Aes256RoundKeys rk)
    {
        Vector128<byte> a = Vector128.Create(key);
        Vector128<byte> b = Vector128.Create(key[16..]);
        rk[0] = a;
        rk[1] = b;
        a = NextEven(a, AesNi.KeygenAssist(b, 0x01)); rk[2] = a;
        b = NextOdd(b, AesNi.KeygenAssist(a, 0x00)); rk[3] = b;
        a = NextEven(a, AesNi.KeygenAssist(b, 0x02)); rk[4] = a;
        b = NextOdd(b, AesNi.KeygenAssist(a, 0x00)); rk[5] = b;
        a = NextEven(a, AesNi.KeygenAssist(b, 0x04)); rk[6] = a;
        b = NextOdd(b, AesNi.KeygenAssist(a, 0x00)); rk[7] = b;
        a = NextEven(a, AesNi.KeygenAssist(b, 0x08)); rk[8] = a;
        b = NextOdd(b, AesNi.KeygenAssist(a, 0x00)); rk[9] = b;
        a = NextEven(a, AesNi.KeygenAssist(b, 0x10)); rk[10] = a;
        b = NextOdd(b, AesNi.KeygenAssist(a, 0x00)); rk[11] = b;
        a = NextEven(a, AesNi.KeygenAssist(b, 0x20)); rk[12] = a;
        b = NextOdd(b, AesNi.KeygenAssist(a, 0x00)); rk[13] = b;
        a = NextEven(a, AesNi.KeygenAssist(b, 0x40)); rk[14] = a;
    }

    /// <summary>Round keys 2, 4, ...: previous even key folded with RotWord(SubWord(w3)) ^ rcon of the odd key (dword 3 of the assist).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> NextEven(Vector128<byte> previous, Vector128<byte> assist)
        => PrefixXor(previous) ^ Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();

    /// <summary>Round keys 3, 5, ...: previous odd key folded with SubWord(w3) of the new even key (dword 2 of the assist).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> NextOdd(Vector128<byte> previous, Vector128<byte> assist)
        => PrefixXor(previous) ^ Sse2.Shuffle(assist.AsUInt32(), 0xAA).AsByte();

    /// <summary>Returns (w0, w0^w1, w0^w1^w2, w0^w1^w2^w3) for the four 32-bit words of <paramref name="k"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> PrefixXor(Vector128<byte> k)
    {
        k ^= Sse2.ShiftLeftLogical128BitLane(k, 4);
        k ^= Sse2.ShiftLeftLogical128BitLane(k, 4);
        k ^= Sse2.ShiftLeftLogical128BitLane(k, 4);
        return k;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> EncryptBlock(Vector128<byte> s, ref Aes256RoundKeys rk)
    {
        s ^= rk[0];
        s = AesNi.Encrypt(s, rk[1]);
        s = AesNi.Encrypt(s, rk[2]);
        s = AesNi.Encrypt(s, rk[3]);
        s = AesNi.Encrypt(s, rk[4]);
        s = AesNi.Encrypt(s, rk[5]);
        s = AesNi.Encrypt(s, rk[6]);
        s = AesNi.Encrypt(s, rk[7]);
        s = AesNi.Encrypt(s, rk[8]);
        s = AesNi.Encrypt(s, rk[9]);
        s = AesNi.Encrypt(s, rk[10]);
        s = AesNi.Encrypt(s, rk[11]);
        s = AesNi.Encrypt(s, rk[12]);
        s = AesNi.Encrypt(s, rk[13]);
        return AesNi.EncryptLast(s, rk[14]);
    }

    /// <summary>Decrypts one block with round keys prepared by <see cref="Decrypt"/> (inner keys already InvMixColumns'd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> DecryptBlock(Vector128<byte> s, ref Aes256RoundKeys rk)
    {
        s ^= rk[14];
        s = AesNi.Decrypt(s, rk[13]);
        s = AesNi.Decrypt(s, rk[12]);
        s = AesNi.Decrypt(s, rk[11]);
        s = AesNi.Decrypt(s, rk[10]);
        s = AesNi.Decrypt(s, rk[9]);
        s = AesNi.Decrypt(s, rk[8]);
        s = AesNi.Decrypt(s, rk[7]);
        s = AesNi.Decrypt(s, rk[6]);
        s = AesNi.Decrypt(s, rk[5]);
        s = AesNi.Decrypt(s, rk[4]);
        s = AesNi.Decrypt(s, rk[3]);
        s = AesNi.Decrypt(s, rk[2]);
        s = AesNi.Decrypt(s, rk[1]);
        return AesNi.DecryptLast(s, rk[0]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DecryptBlocks4(
        Vector128<byte> s0, Vector128<byte> s1, Vector128<byte> s2, Vector128<byte> s3, ref Aes256RoundKeys rk,
        out Vector128<byte> d0, out Vector128<byte> d1, out Vector128<byte> d2, out Vector128<byte> d3)
    {
        Vector128<byte> k = rk[14];
        s0 ^= k; s1 ^= k; s2 ^= k; s3 ^= k;
        for (int r = 13; r > 0; r--)
        {
            k = rk[r];
            s0 = AesNi.Decrypt(s0, k);
            s1 = AesNi.Decrypt(s1, k);
            s2 = AesNi.Decrypt(s2, k);
            s3 = AesNi.Decrypt(s3, k);
        }

        k = rk[0];
        d0 = AesNi.DecryptLast(s0, k);
        d1 = AesNi.DecryptLast(s1, k);
        d2 = AesNi.DecryptLast(s2, k);
        d3 = AesNi.DecryptLast(s3, k);
    }
}
