using System.Numerics;
using CsCheck;

namespace Omemo.InteropTests.Crypto;

/// <summary>Generators and fixed inputs shared by the native cross-check tests.</summary>
internal static class CurveTestData
{
    /// <summary>Iterations for each property (the brief's 2000).</summary>
    public const int Iterations = 2000;

    public static readonly Gen<byte[]> Key = Gen.Byte.Array[32];
    public static readonly Gen<byte[]> Random64 = Gen.Byte.Array[64];
    public static readonly Gen<byte[]> Message = Gen.Byte.Array[0, 256];
    public static readonly Gen<byte[]> NonEmptyMessage = Gen.Byte.Array[1, 256];

    public static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    /// <summary>
    /// u-coordinates of small order on Curve25519 or its twist (0, 1, the two order-8 points, p - 1), with their
    /// bit-255 and non-canonical (≥ p) variants: X25519 with any clamped scalar (a multiple of 8) gives all zero,
    /// so every backend's TryX25519Agree must return false for them. The order-8 values were checked with a
    /// reference Montgomery ladder: 8P is the identity while 4P is the order-2 point u = 0.
    /// </summary>
    public static IEnumerable<byte[]> SmallOrderPoints()
    {
        BigInteger order8a = BigInteger.Parse("325606250916557431795983626356110631294008115727848805560023387167927233504");
        BigInteger order8b = BigInteger.Parse("39382357235489614581723060781553021112529911719440698176882885853963445705823");
        BigInteger[] canonical = [BigInteger.Zero, BigInteger.One, order8a, order8b, P - 1];
        foreach (BigInteger u in canonical)
        {
            yield return Encode(u);
            yield return Encode(u + BigInteger.Pow(2, 255));   // bit 255 is masked by X25519
        }
        yield return Encode(P);       // = 0 mod p
        yield return Encode(P + 1);   // = 1 mod p
    }

    public static byte[] Encode(BigInteger value)
    {
        byte[] bytes = new byte[32];
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return bytes;
    }

    public static BigInteger Decode(ReadOnlySpan<byte> bytes) => new(bytes[..32], isUnsigned: true, isBigEndian: false);

    /// <summary>(u + 2^255): the same point for X25519, but not a canonical XEdDSA public key (u ≥ p).</summary>
    public static byte[] WithBit255(ReadOnlySpan<byte> u)
    {
        byte[] copy = u[..32].ToArray();
        copy[31] |= 0x80;
        return copy;
    }

    public static byte[] FlipBit(ReadOnlySpan<byte> data, int bit)
    {
        byte[] copy = data.ToArray();
        copy[bit >> 3] ^= (byte)(1 << (bit & 7));
        return copy;
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
