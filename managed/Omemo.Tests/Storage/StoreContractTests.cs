using System.Diagnostics;
using Omemo.Storage;
using Xunit.Abstractions;
using static Omemo.Tests.Storage.StoreTestData;

namespace Omemo.Tests.Storage;

/// <summary>The <see cref="IOmemoStore"/> contract, run against every implementation by a derived class.</summary>
public abstract class StoreContractTests(ITestOutputHelper output) : IAsyncLifetime
{
    protected ITestOutputHelper Output { get; } = output;

    protected IOmemoStore Store { get; set; } = null!;

    /// <summary>Opens a new, empty store of the implementation under test.</summary>
    protected abstract Task<IOmemoStore> OpenEmptyStoreAsync();

    public async Task InitializeAsync() => Store = await OpenEmptyStoreAsync();

    public virtual async Task DisposeAsync() => await Store.DisposeAsync();

    [Fact]
    public async Task EmptyStore_ReturnsNothing()
    {
        Assert.Null(await Store.GetIdentityAsync());
        Assert.Empty(await Store.GetSignedPreKeysAsync());
        Assert.Empty(await Store.GetPreKeysAsync());
        Assert.Null(await Store.GetPreKeyAsync(1));
        Assert.Null(await Store.GetSessionAsync(new DeviceAddress(Bob, 1)));
        Assert.Empty(await Store.GetSessionsAsync(Bob));
        Assert.Null(await Store.GetDeviceListAsync(Bob));
        Assert.Null(await Store.GetTrustAsync(new DeviceAddress(Bob, 1), Bytes(32)));
        await Store.CommitAsync(new StoreChanges()); // an empty batch is fine
    }

    [Fact]
    public async Task Sessions_of_both_OMEMO_versions_with_one_device_are_kept_apart_and_deleted_together()
    {
        var device = new DeviceAddress(Bob, 7);
        var modern = new SessionRecord(device, Bytes(40, 1));
        var legacy = new SessionRecord(device, Bytes(50, 2)) { Version = OmemoVersion.Legacy };
        await Store.CommitAsync(Changes(c => c.PutSessions.AddRange([modern, legacy])));
        Assert.Equal(modern.State, (await Store.GetSessionAsync(device))!.State);
        Assert.Equal(modern.State, (await Store.GetSessionAsync(device, OmemoVersion.Omemo2))!.State);
        var loaded = (await Store.GetSessionAsync(device, OmemoVersion.Legacy))!;
        Assert.Equal(legacy.State, loaded.State);
        Assert.Equal(OmemoVersion.Legacy, loaded.Version);
        Assert.Equal([OmemoVersion.Omemo2, OmemoVersion.Legacy], (await Store.GetSessionsAsync(Bob)).Select(r => r.Version));

        await Store.CommitAsync(Changes(c => c.PutSessions.Add(legacy with { State = Bytes(51, 3) })));
        Assert.Equal(Bytes(51, 3), (await Store.GetSessionAsync(device, OmemoVersion.Legacy))!.State);
        Assert.Equal(modern.State, (await Store.GetSessionAsync(device))!.State);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(Changes(c => c.PutSessions.Add(modern with { Version = (OmemoVersion)9 }))));
        await Store.CommitAsync(Changes(c => c.DeleteSessions.Add(device)));
        Assert.Empty(await Store.GetSessionsAsync(Bob));
    }

    [Fact]
    public async Task Identity_RoundTrips_AndIsReplaced()
    {
        var first = Identity(label: null);
        await Store.CommitAsync(Changes(c => c.Identity = first));
        Same(first, await Store.GetIdentityAsync());
        var second = Identity(deviceId: int.MaxValue, label: "Büro-Laptop");
        await Store.CommitAsync(Changes(c => c.Identity = second));
        Same(second, await Store.GetIdentityAsync());
    }

    [Fact]
    public async Task SignedPreKeys_RoundTrip_Replace_Delete()
    {
        var (a, b) = (SignedPreKey(1), SignedPreKey(uint.MaxValue));
        await Store.CommitAsync(Changes(c => c.PutSignedPreKeys.AddRange([b, a])));
        var all = await Store.GetSignedPreKeysAsync();
        Assert.Equal(2, all.Count);
        Same(a, all[0]);
        Same(b, all[1]);

        var a2 = SignedPreKey(1);
        await Store.CommitAsync(Changes(c => { c.PutSignedPreKeys.Add(a2); c.DeleteSignedPreKeys.Add(uint.MaxValue); }));
        all = await Store.GetSignedPreKeysAsync();
        Assert.Single(all);
        Same(a2, all[0]);
    }

    [Fact]
    public async Task PreKeys_RoundTrip_Consume_AndDeletionComesBeforeInsertion()
    {
        var keys = Enumerable.Range(1, 100).Select(i => PreKey((uint)i)).ToList();
        await Store.CommitAsync(Changes(c => c.PutPreKeys.AddRange(keys.AsEnumerable().Reverse())));
        var all = await Store.GetPreKeysAsync();
        Assert.Equal(100, all.Count);
        for (int i = 0; i < 100; i++) Same(keys[i], all[i]);
        Same(keys[41], await Store.GetPreKeyAsync(42));

        await Store.CommitAsync(Changes(c => c.DeletePreKeys.AddRange([42u, 43u, 999u])));
        Assert.Null(await Store.GetPreKeyAsync(42));
        Assert.Null(await Store.GetPreKeyAsync(43));
        Assert.Equal(98, (await Store.GetPreKeysAsync()).Count);

        var replacement = PreKey(44);
        await Store.CommitAsync(Changes(c => { c.PutPreKeys.Add(replacement); c.DeletePreKeys.Add(44); }));
        Same(replacement, await Store.GetPreKeyAsync(44));
    }

    [Fact]
    public async Task Sessions_RoundTrip_Replace_Delete_AndListByJid()
    {
        var bob1 = Session(Bob, 7);
        var bob2 = Session(Bob, 3, size: 70_000);
        var alice = Session(Alice, 7);
        await Store.CommitAsync(Changes(c => c.PutSessions.AddRange([bob1, bob2, alice])));
        Same(bob1, await Store.GetSessionAsync(new DeviceAddress(Bob, 7)));
        Same(alice, await Store.GetSessionAsync(new DeviceAddress(Alice, 7)));
        Assert.Null(await Store.GetSessionAsync(new DeviceAddress("BOB@example.org", 7))); // ordinal JIDs

        var bobs = await Store.GetSessionsAsync(Bob);
        Assert.Equal([3u, 7u], bobs.Select(s => s.Device.DeviceId));
        Same(bob2, bobs[0]);
        Same(bob1, bobs[1]);
        Assert.Empty(await Store.GetSessionsAsync("carol@example.org"));

        var bob1b = Session(Bob, 7);
        await Store.CommitAsync(Changes(c => { c.PutSessions.Add(bob1b); c.DeleteSessions.Add(new DeviceAddress(Bob, 3)); }));
        Same(bob1b, await Store.GetSessionAsync(new DeviceAddress(Bob, 7)));
        Assert.Null(await Store.GetSessionAsync(new DeviceAddress(Bob, 3)));
        Assert.Single(await Store.GetSessionsAsync(Bob));
        Same(alice, Assert.Single(await Store.GetSessionsAsync(Alice)));
    }

    [Fact]
    public async Task DeviceLists_RoundTrip_WithLabelsAndSignatures_AndAreReplaced()
    {
        var list = DeviceList(Bob);
        await Store.CommitAsync(Changes(c => c.PutDeviceLists.Add(list)));
        Same(list, await Store.GetDeviceListAsync(Bob));
        Assert.Null(await Store.GetDeviceListAsync(Alice));

        var empty = new DeviceListRecord(Bob, [], DateTimeOffset.UnixEpoch);
        await Store.CommitAsync(Changes(c => c.PutDeviceLists.Add(empty)));
        Same(empty, await Store.GetDeviceListAsync(Bob));
    }

    [Fact]
    public async Task Trust_IsKeyedByDeviceAndIdentityKey()
    {
        var device = new DeviceAddress(Bob, 5);
        var oldKey = Trust(Bob, 5, TrustLevel.Verified);
        var newKey = Trust(Bob, 5, TrustLevel.Distrusted);
        await Store.CommitAsync(Changes(c => c.PutTrust.AddRange([oldKey, newKey])));

        var found = await Store.GetTrustAsync(device, oldKey.IdentityKey);
        Assert.NotNull(found);
        Assert.Equal(TrustLevel.Verified, found.Level);
        Assert.Equal(device, found.Device);
        Assert.Equal(oldKey.IdentityKey, found.IdentityKey);
        Assert.Equal(TrustLevel.Distrusted, (await Store.GetTrustAsync(device, newKey.IdentityKey))!.Level);
        Assert.Null(await Store.GetTrustAsync(device, Bytes(32)));
        Assert.Null(await Store.GetTrustAsync(new DeviceAddress(Bob, 6), oldKey.IdentityKey));
        Assert.Null(await Store.GetTrustAsync(new DeviceAddress(Alice, 5), oldKey.IdentityKey));

        await Store.CommitAsync(Changes(c => c.PutTrust.Add(oldKey with { Level = TrustLevel.BlindlyTrusted })));
        Assert.Equal(TrustLevel.BlindlyTrusted, (await Store.GetTrustAsync(device, oldKey.IdentityKey))!.Level);
    }

    [Fact]
    public async Task HighestPreKeyId_IsRemembered_AfterThePreKeyIsConsumed()
    {
        Assert.Equal(0u, await Store.GetHighestPreKeyIdAsync());
        await Store.CommitAsync(Changes(c => c.PutPreKeys.AddRange([PreKey(5), PreKey(9), PreKey(7)])));
        Assert.Equal(9u, await Store.GetHighestPreKeyIdAsync());
        await Store.CommitAsync(Changes(c => c.DeletePreKeys.AddRange([9u, 7u])));
        Assert.Equal(9u, await Store.GetHighestPreKeyIdAsync());
        await Store.CommitAsync(Changes(c => c.PutPreKeys.Add(PreKey(2))));
        Assert.Equal(9u, await Store.GetHighestPreKeyIdAsync());
    }

    [Fact]
    public async Task Trusts_OfAJid_AreAllDecisionsOfItsDevices_InDeviceOrder()
    {
        var bob7 = Trust(Bob, 7, TrustLevel.Verified);
        var bob2a = Trust(Bob, 2, TrustLevel.Distrusted);
        var bob2b = Trust(Bob, 2, TrustLevel.BlindlyTrusted);
        var alice = Trust(Alice, 1, TrustLevel.Verified);
        await Store.CommitAsync(Changes(c => c.PutTrust.AddRange([bob7, bob2a, alice, bob2b])));

        var all = await Store.GetTrustsAsync(Bob);
        Assert.Equal([2u, 2u, 7u], all.Select(t => t.Device.DeviceId));
        Assert.All(all, t => Assert.Equal(Bob, t.Device.Jid));
        Assert.Equal(
            new[] { bob2a, bob2b }.OrderBy(t => Convert.ToHexString(t.IdentityKey), StringComparer.Ordinal).Select(t => (Convert.ToHexString(t.IdentityKey), t.Level)),
            all.Take(2).Select(t => (Convert.ToHexString(t.IdentityKey), t.Level)));
        Assert.Equal(bob7.IdentityKey, all[2].IdentityKey);
        Assert.Equal(TrustLevel.Verified, all[2].Level);
        Assert.Single(await Store.GetTrustsAsync(Alice));
        Assert.Empty(await Store.GetTrustsAsync("nobody@example.org"));
    }

    public static TheoryData<string> BadRecords => ["short pre-key", "empty session", "device id 0", "short trust key",
        "device id 2^31", "empty jid", "null record", "bad level", "short signature"];

    [Theory]
    [MemberData(nameof(BadRecords))]
    public async Task BatchWithOneBadRecord_AppliesNothing(string bad)
    {
        var before = Session(Bob, 1);
        await Store.CommitAsync(Changes(c => { c.PutSessions.Add(before); c.PutPreKeys.Add(PreKey(1)); }));

        var changes = Changes(c =>
        {
            c.Identity = Identity();
            c.PutSessions.AddRange(Enumerable.Range(1, 300).Select(i => Session(Bob, (uint)i)));
            c.DeletePreKeys.Add(1);
            c.PutDeviceLists.Add(DeviceList(Bob));
            c.PutTrust.Add(Trust(Bob, 1, TrustLevel.Verified));
        });
        switch (bad)
        {
            case "short pre-key": changes.PutPreKeys.Add(new PreKeyRecord(2, Bytes(31))); break;
            case "empty session": changes.PutSessions.Add(new SessionRecord(new DeviceAddress(Bob, 999), [])); break;
            case "device id 0": changes.PutSessions.Add(Session(Bob, 0)); break;
            case "device id 2^31": changes.DeleteSessions.Add(new DeviceAddress(Bob, 1u << 31)); break;
            case "short trust key": changes.PutTrust.Add(new TrustRecord(new DeviceAddress(Bob, 2), Bytes(33), TrustLevel.Verified)); break;
            case "empty jid": changes.PutDeviceLists.Add(DeviceList("")); break;
            case "null record": changes.PutSignedPreKeys.Add(null!); break;
            case "bad level": changes.PutTrust.Add(Trust(Bob, 3, (TrustLevel)42)); break;
            case "short signature": changes.PutSignedPreKeys.Add(new SignedPreKeyRecord(1, Bytes(32), Bytes(63), DateTimeOffset.UnixEpoch)); break;
        }
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CommitAsync(changes));
        await AssertUntouchedAsync(before);
    }

    [Fact]
    public async Task CancelledCommit_AppliesNothing()
    {
        var before = Session(Bob, 1);
        await Store.CommitAsync(Changes(c => { c.PutSessions.Add(before); c.PutPreKeys.Add(PreKey(1)); }));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var changes = Changes(c =>
        {
            c.Identity = Identity();
            c.PutSessions.AddRange(Enumerable.Range(1, 50).Select(i => Session(Bob, (uint)i)));
            c.DeletePreKeys.Add(1);
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.CommitAsync(changes, cts.Token));
        await AssertUntouchedAsync(before);
    }

    /// <summary>The store holds exactly the session <paramref name="before"/> and pre-key 1 (a refused batch changed nothing).</summary>
    protected async Task AssertUntouchedAsync(SessionRecord before)
    {
        Assert.Null(await Store.GetIdentityAsync());
        Same(before, Assert.Single(await Store.GetSessionsAsync(Bob)));
        Assert.NotNull(await Store.GetPreKeyAsync(1));
        Assert.Null(await Store.GetDeviceListAsync(Bob));
        Assert.Empty(await Store.GetSignedPreKeysAsync());
    }

    [Fact]
    public async Task ReturnedAndCommittedArrays_AreCopies()
    {
        var identity = Identity();
        var spk = SignedPreKey(1);
        var pk = PreKey(1);
        var session = Session(Bob, 1);
        var list = DeviceList(Bob);
        var trust = Trust(Bob, 1, TrustLevel.Verified);
        byte[] seed = (byte[])identity.IdentitySeed.Clone(), spkKey = (byte[])spk.PrivateKey.Clone(),
            pkKey = (byte[])pk.PrivateKey.Clone(), state = (byte[])session.State.Clone(),
            labelsig = (byte[])list.Devices[2].LabelSignature!.Clone(), trustKey = (byte[])trust.IdentityKey.Clone();
        await Store.CommitAsync(Changes(c =>
        {
            c.Identity = identity; c.PutSignedPreKeys.Add(spk); c.PutPreKeys.Add(pk); c.PutSessions.Add(session);
            c.PutDeviceLists.Add(list); c.PutTrust.Add(trust);
        }));

        // The caller wipes what it committed ...
        Array.Clear(identity.IdentitySeed); Array.Clear(spk.PrivateKey); Array.Clear(pk.PrivateKey);
        Array.Clear(session.State); Array.Clear(list.Devices[2].LabelSignature!); Array.Clear(trust.IdentityKey);
        // ... and what it read.
        for (int round = 0; round < 2; round++)
        {
            var gotIdentity = await Store.GetIdentityAsync();
            var gotSpk = Assert.Single(await Store.GetSignedPreKeysAsync());
            var gotPk = await Store.GetPreKeyAsync(1);
            var gotPks = Assert.Single(await Store.GetPreKeysAsync());
            var gotSession = await Store.GetSessionAsync(new DeviceAddress(Bob, 1));
            var gotSessions = Assert.Single(await Store.GetSessionsAsync(Bob));
            var gotList = await Store.GetDeviceListAsync(Bob);
            var gotTrust = await Store.GetTrustAsync(new DeviceAddress(Bob, 1), trustKey);
            Assert.Equal(seed, gotIdentity!.IdentitySeed);
            Assert.Equal(spkKey, gotSpk.PrivateKey);
            Assert.Equal(pkKey, gotPk!.PrivateKey);
            Assert.Equal(pkKey, gotPks.PrivateKey);
            Assert.Equal(state, gotSession!.State);
            Assert.Equal(state, gotSessions.State);
            Assert.Equal(labelsig, gotList!.Devices[2].LabelSignature);
            Assert.Equal(trustKey, gotTrust!.IdentityKey);
            Array.Clear(gotIdentity.IdentitySeed); Array.Clear(gotSpk.PrivateKey); Array.Clear(gotSpk.Signature);
            Array.Clear(gotPk.PrivateKey); Array.Clear(gotPks.PrivateKey); Array.Clear(gotSession.State);
            Array.Clear(gotSessions.State); Array.Clear(gotList.Devices[2].LabelSignature!); Array.Clear(gotTrust.IdentityKey);
        }
    }

    [Fact]
    public async Task ParallelCommitsAndReads_AreAllApplied()
    {
        const int Writers = 16, CommitsEach = 25;
        await Store.CommitAsync(Changes(c => c.PutPreKeys.AddRange(Enumerable.Range(1, Writers * CommitsEach).Select(i => PreKey((uint)i)))));
        var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            string jid = $"user{w}@example.org";
            for (int i = 1; i <= CommitsEach; i++)
            {
                uint preKey = (uint)(w * CommitsEach + i);
                // One "decrypted key exchange": the new session and the consumed pre-key together.
                await Store.CommitAsync(Changes(c => { c.PutSessions.Add(Session(jid, (uint)i)); c.DeletePreKeys.Add(preKey); }));
                Assert.NotNull(await Store.GetSessionAsync(new DeviceAddress(jid, (uint)i)));
                Assert.Null(await Store.GetPreKeyAsync(preKey));
                Assert.Equal(i, (await Store.GetSessionsAsync(jid)).Count);
                _ = await Store.GetPreKeysAsync();
            }
        })).ToList();
        await Task.WhenAll(tasks);

        for (int w = 0; w < Writers; w++) Assert.Equal(CommitsEach, (await Store.GetSessionsAsync($"user{w}@example.org")).Count);
        Assert.Empty(await Store.GetPreKeysAsync());
    }

    [Fact]
    public async Task ThousandSessionFanOut_IsOneBatch()
    {
        var sessions = Enumerable.Range(1, 1000).Select(i => Session($"member{i % 50}@muc.example.org", (uint)i, size: 1200)).ToList();
        var batch = Changes(c => c.PutSessions.AddRange(sessions));
        var watch = Stopwatch.StartNew();
        await Store.CommitAsync(batch);
        watch.Stop();
        Output.WriteLine($"{GetType().Name}: 1,000-session batch committed in {watch.Elapsed.TotalMilliseconds:F1} ms");

        int total = 0;
        for (int m = 0; m < 50; m++)
        {
            var got = await Store.GetSessionsAsync($"member{m}@muc.example.org");
            total += got.Count;
            foreach (var s in got) Same(sessions[(int)s.Device.DeviceId - 1], s);
        }
        Assert.Equal(1000, total);
    }

    [Fact]
    public async Task BadReadArguments_Throw()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetSessionsAsync(""));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetSessionAsync(new DeviceAddress(Bob, 0)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetDeviceListAsync(null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CommitAsync(null!));
    }

    [Fact]
    public async Task AfterDispose_CallsThrow_AndDisposeIsIdempotent()
    {
        await Store.CommitAsync(Changes(c => c.PutSessions.Add(Session(Bob, 1))));
        await Store.DisposeAsync();
        await Store.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.GetSessionsAsync(Bob));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.CommitAsync(Changes(c => c.PutPreKeys.Add(PreKey(1)))));
    }
}
