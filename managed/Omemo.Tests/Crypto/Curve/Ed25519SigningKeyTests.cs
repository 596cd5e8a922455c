using CsCheck;
using Omemo.Crypto;

namespace Omemo.Tests.Crypto.Curve;

public class Ed25519SigningKeyTests
{
    [Fact]
    public void SignaturesEqualSeedBasedSigning_AndVerify()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[0, 300]).Sample((seed, message) =>
        {
            using var key = new Ed25519SigningKey(seed);
            var expectedPublic = new byte[32];
            Ed25519.DerivePublicKey(seed, expectedPublic);
            var expected = new byte[64];
            Ed25519.Sign(seed, message, expected);
            var actual = new byte[64];
            key.Sign(message, actual);
            return key.PublicKey.SequenceEqual(expectedPublic) && actual.AsSpan().SequenceEqual(expected)
                && Ed25519.Verify(expectedPublic, message, actual);
        }, iter: 500);
    }

    [Fact]
    public void Rfc8032_Test1()
    {
        var seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        using var key = new Ed25519SigningKey(seed);
        var sig = new byte[64];
        key.Sign([], sig);
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", Convert.ToHexStringLower(key.PublicKey));
        Assert.Equal("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            Convert.ToHexStringLower(sig));
    }

    [Fact]
    public void DisposeWipesAndBlocksUse()
    {
        var key = new Ed25519SigningKey(new byte[32]);
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Sign([1], new byte[64]));
        Assert.Throws<ObjectDisposedException>(() => key.PublicKey.ToArray());
    }

    [Fact]
    public void RejectsBadSizes()
    {
        Assert.Throws<ArgumentException>(() => new Ed25519SigningKey(new byte[31]));
        using var key = new Ed25519SigningKey(new byte[32]);
        Assert.Throws<ArgumentException>(() => key.Sign([], new byte[63]));
    }

    [Fact]
    public void SignAllocatesNothing()
    {
        using var key = new Ed25519SigningKey(new byte[32]);
        var message = new byte[100];
        var sig = new byte[64];
        key.Sign(message, sig);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++) key.Sign(message, sig);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
