using Omemo.Crypto;
using Ed25519 = Omemo.Crypto.Ed25519;
using X25519 = Omemo.Crypto.X25519;

namespace Omemo.Tests.Crypto.Curve;

/// <summary>Steady-state calls allocate nothing (GC.GetAllocatedBytesForCurrentThread delta after warm-up).</summary>
public class CurveAllocationTests
{
    private static long Measure(Action action)
    {
        for (int i = 0; i < 3; i++) action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void SignVerifyXEdDsaAndMaps_AllocateNothing()
    {
        var seed = new byte[32]; seed[0] = 42;
        var msg = new byte[3000]; // long enough that no implementation could keep it on the stack
        var pk = new byte[32]; var sig = new byte[64];
        var cpriv = new byte[32]; var cpub = new byte[32]; var ed = new byte[32];
        var random = new byte[64]; var xsig = new byte[64];
        Ed25519.DerivePublicKey(seed, pk);
        KeyConversion.Ed25519SeedToCurve25519(seed, cpriv);
        X25519.DerivePublicKey(cpriv, cpub);

        Assert.Equal(0, Measure(() => Ed25519.DerivePublicKey(seed, pk)));
        Assert.Equal(0, Measure(() => Ed25519.Sign(seed, msg, sig)));
        Assert.Equal(0, Measure(() => Assert.True(Ed25519.Verify(pk, msg, sig))));
        Assert.Equal(0, Measure(() => XEdDsa.Sign(cpriv, msg, random, xsig)));
        Assert.Equal(0, Measure(() => XEdDsa.Sign(cpriv, msg, xsig)));
        Assert.Equal(0, Measure(() => Assert.True(XEdDsa.Verify(cpub, msg, xsig))));
        Assert.Equal(0, Measure(() => Assert.True(XEdDsa.VerifyLibsignal(cpub, msg, xsig))));
        Assert.Equal(0, Measure(() => Assert.True(KeyConversion.TryEd25519PublicKeyToCurve25519(pk, cpub))));
        Assert.Equal(0, Measure(() => KeyConversion.Curve25519PublicKeyToEd25519(cpub, 0, ed)));
        Assert.Equal(0, Measure(() => KeyConversion.Ed25519SeedToCurve25519(seed, cpriv)));
        Assert.Equal(0, Measure(() => X25519.DerivePublicKey(cpriv, cpub)));
    }
}
