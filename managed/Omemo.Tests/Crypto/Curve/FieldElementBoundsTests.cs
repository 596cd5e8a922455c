using System.Numerics;
using CsCheck;
using Omemo.Crypto.Curve25519;

namespace Omemo.Tests.Crypto.Curve;

/// <summary>
/// FieldElement arithmetic on loosely reduced inputs (every limb anywhere below 2^52, the documented input
/// bound, including the extremes) against BigInteger, and the documented output bound 2^51 + 2^15.
/// </summary>
public class FieldElementBoundsTests
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private const ulong InputBound = 1UL << 52;
    private const ulong OutputBound = (1UL << 51) + (1UL << 15);

    private static BigInteger Value(in FieldElement f)
        => (new BigInteger(f.L0) + (new BigInteger(f.L1) << 51) + (new BigInteger(f.L2) << 102)
            + (new BigInteger(f.L3) << 153) + (new BigInteger(f.L4) << 204)) % P;

    private static bool Bounded(in FieldElement f)
        => f.L0 < OutputBound && f.L1 < OutputBound && f.L2 < OutputBound && f.L3 < OutputBound && f.L4 < OutputBound;

    // Limbs drawn from the whole input range, with the extremes 0 and 2^52 - 1 over-represented.
    private static readonly Gen<ulong> Limb = Gen.Frequency(
        (3, Gen.ULong[0, InputBound - 1]),
        (1, Gen.Const(InputBound - 1)),
        (1, Gen.Const(0UL)),
        (1, Gen.ULong[0, OutputBound - 1]));

    private static readonly Gen<FieldElement> Loose =
        Gen.Select(Limb, Limb, Limb, Limb, Limb).Select((a, b, c, d, e) => new FieldElement(a, b, c, d, e));

    // Subtrahends: anything an operation can produce (below 2^51 + 2^15).
    private static readonly Gen<FieldElement> Produced =
        Gen.Select(Gen.ULong[0, OutputBound - 1], Gen.ULong[0, OutputBound - 1], Gen.ULong[0, OutputBound - 1],
            Gen.ULong[0, OutputBound - 1], Gen.ULong[0, OutputBound - 1]).Select((a, b, c, d, e) => new FieldElement(a, b, c, d, e));

    [Fact]
    public void MulSquareMulSmallAdd_MatchBigInteger()
    {
        Gen.Select(Loose, Loose).Sample((a, b) =>
        {
            FieldElement.Mul(out var m, a, b);
            FieldElement.Square(out var s, a);
            FieldElement.MulSmall(out var k, a, 121665);
            FieldElement.Add(out var t, a, b);
            return Bounded(m) && Bounded(s) && Bounded(k) && Bounded(t)
                && Value(m) == Value(a) * Value(b) % P
                && Value(s) == Value(a) * Value(a) % P
                && Value(k) == Value(a) * 121665 % P
                && Value(t) == (Value(a) + Value(b)) % P;
        }, iter: 20000);
    }

    [Fact]
    public void Sub_MatchesBigInteger()
    {
        Gen.Select(Loose, Produced).Sample((a, b) =>
        {
            FieldElement.Sub(out var d, a, b);
            return Bounded(d) && Value(d) == ((Value(a) - Value(b)) % P + P) % P;
        }, iter: 20000);
    }

    [Fact]
    public void AllLimbsAtTheBound()
    {
        var max = new FieldElement(InputBound - 1, InputBound - 1, InputBound - 1, InputBound - 1, InputBound - 1);
        FieldElement.Mul(out var m, max, max);
        FieldElement.Square(out var s, max);
        Assert.True(Bounded(m) && Bounded(s));
        Assert.Equal(Value(max) * Value(max) % P, Value(m));
        Assert.Equal(Value(max) * Value(max) % P, Value(s));
        var buf = new byte[32];
        FieldElement.ToBytes(buf, max);
        Assert.Equal(Value(max), new BigInteger(buf, isUnsigned: true));
    }
}
