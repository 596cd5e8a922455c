using Omemo.Storage;
using Xunit.Abstractions;
using static Omemo.Tests.Storage.StoreTestData;

namespace Omemo.Tests.Storage;

/// <summary>The store contract against <see cref="InMemoryOmemoStore"/>, plus its wiping on dispose.</summary>
public sealed class InMemoryOmemoStoreTests(ITestOutputHelper output) : StoreContractTests(output)
{
    protected override Task<IOmemoStore> OpenEmptyStoreAsync() => Task.FromResult<IOmemoStore>(new InMemoryOmemoStore());

    [Fact]
    public async Task Dispose_WipesHeldSecrets()
    {
        var store = new InMemoryOmemoStore();
        await store.CommitAsync(Changes(c =>
        {
            c.Identity = Identity(); c.PutPreKeys.Add(PreKey(1)); c.PutSignedPreKeys.Add(SignedPreKey(1)); c.PutSessions.Add(Session(Bob, 1));
        }));
        // Reach the store's own arrays (tests only) to see that they are zeroed.
        var held = HeldSecrets(store);
        Assert.Equal(4, held.Count);
        Assert.All(held, a => Assert.Contains(a, b => b != 0));
        await store.DisposeAsync();
        Assert.All(held, a => Assert.All(a, b => Assert.Equal(0, b)));
    }

    [Fact]
    public async Task ConsumedPreKey_IsWipedInTheStore()
    {
        var store = new InMemoryOmemoStore();
        await store.CommitAsync(Changes(c => c.PutPreKeys.Add(PreKey(1))));
        var held = HeldSecrets(store);
        await store.CommitAsync(Changes(c => c.DeletePreKeys.Add(1)));
        Assert.All(Assert.Single(held), b => Assert.Equal(0, b));
        await store.DisposeAsync();
    }

    private static List<byte[]> HeldSecrets(InMemoryOmemoStore store)
    {
        var result = new List<byte[]>();
        foreach (var field in typeof(InMemoryOmemoStore).GetFields(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance))
        {
            object? value = field.GetValue(store);
            switch (value)
            {
                case IdentityRecord i: result.Add(i.IdentitySeed); break;
                case Dictionary<uint, SignedPreKeyRecord> d: result.AddRange(d.Values.Select(r => r.PrivateKey)); break;
                case Dictionary<uint, PreKeyRecord> d: result.AddRange(d.Values.Select(r => r.PrivateKey)); break;
                case Dictionary<string, SortedDictionary<(uint DeviceId, OmemoVersion Version), SessionRecord>> d: result.AddRange(d.Values.SelectMany(x => x.Values).Select(r => r.State)); break;
            }
        }
        return result;
    }
}
