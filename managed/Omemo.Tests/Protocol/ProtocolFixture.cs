using Omemo.Sessions;
using Omemo.X3dh;

namespace Omemo.Tests.Protocol;

/// <summary>A device's private key store for tests.</summary>
internal sealed class MemoryPreKeySource : IPreKeySource
{
    public Dictionary<uint, SignedPreKey> SignedPreKeys { get; } = [];
    public Dictionary<uint, PreKey> PreKeys { get; } = [];
    public SignedPreKey? GetSignedPreKey(uint id) => SignedPreKeys.GetValueOrDefault(id);
    public PreKey? GetPreKey(uint id) => PreKeys.GetValueOrDefault(id);
}

/// <summary>A test device: identity, one signed pre-key, a few pre-keys and its bundle.</summary>
internal sealed class TestDevice : IDisposable
{
    public IdentityKeyPair Identity { get; }
    public SignedPreKey SignedPreKey { get; }
    public MemoryPreKeySource Keys { get; } = new();

    public TestDevice(int preKeys = 5, uint spkId = 1)
    {
        Identity = IdentityKeyPair.Generate();
        SignedPreKey = SignedPreKey.Generate(Identity, spkId);
        Keys.SignedPreKeys[spkId] = SignedPreKey;
        for (uint i = 1; i <= preKeys; i++) Keys.PreKeys[i] = PreKey.Generate(i);
    }

    public Bundle Bundle => new(Identity.PublicKey.ToArray(), SignedPreKey.Id, SignedPreKey.PublicKey, SignedPreKey.Signature,
        Keys.PreKeys.Values.Select(p => p.ToPublic()).ToList());

    public void Dispose() => Identity.Dispose();
}

internal static class ProtocolFixture
{
    public static byte[] RandomKeyMaterial()
    {
        byte[] km = new byte[48];
        Random.Shared.NextBytes(km);
        return km;
    }

    /// <summary>Alice initiates with Bob; Bob accepts the first message. Returns both sessions (Alice still pending).</summary>
    public static (OmemoSession Alice, OmemoSession Bob) Establish(TestDevice alice, TestDevice bob)
    {
        OmemoSession a = OmemoSession.Initiate(alice.Identity, bob.Bundle);
        byte[] km = RandomKeyMaterial();
        byte[] kex = a.Encrypt(km);
        OmemoSession b = OmemoSession.AcceptKeyExchange(bob.Identity, bob.Keys, kex, out byte[] got);
        Assert.Equal(km, got);
        return (a, b);
    }

    /// <summary>Establishes and has Bob answer once, so both sides are confirmed.</summary>
    public static (OmemoSession Alice, OmemoSession Bob) EstablishConfirmed(TestDevice alice, TestDevice bob)
    {
        var (a, b) = Establish(alice, bob);
        byte[] km = RandomKeyMaterial();
        Assert.Equal(km, a.Decrypt(b.Encrypt(km)));
        Assert.False(a.IsKeyExchangePending);
        return (a, b);
    }
}
