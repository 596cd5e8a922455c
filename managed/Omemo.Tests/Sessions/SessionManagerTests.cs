using System.Text;
using Omemo.Errors;
using Omemo.Pep;
using Omemo.Sessions;
using Omemo.Storage;
using Omemo.TrustPolicies;
using Omemo.Wire;
using Omemo.Xml;

namespace Omemo.Tests.Sessions;

/// <summary>The core flows of <see cref="SessionManager"/>: fan-out, key exchange rules, failures, persistence.</summary>
public sealed class SessionManagerTests : ManagerHarness
{
    [Fact]
    public async Task TwoManagers_ExchangeMessagesThroughXml()
    {
        using var alice = await NewAsync(Alice);
        using var bob = await NewAsync(Bob);

        var sent = await alice.EncryptAsync([Bob], Text("hello bob"));
        Assert.Empty(sent.Failures);
        var key = Assert.Single(sent.Element.Keys);
        Assert.Equal((Bob, bob.DeviceId, true), (key.Jid, key.DeviceId, key.IsKeyExchange));

        var received = await DeliverAsync(bob, Alice, sent.Element);
        Assert.Equal("hello bob", Encoding.UTF8.GetString(received.Plaintext!));
        Assert.Equal(new DeviceAddress(Alice, alice.DeviceId), received.Sender);
        Assert.True(received.WasKeyExchange);
        Assert.True(received.NewSession);
        Assert.NotNull(received.AutomaticReply);

        var ack = await DeliverAsync(alice, Bob, received.AutomaticReply!);
        Assert.Null(ack.Plaintext);
        Assert.Null(ack.AutomaticReply);

        var second = await alice.EncryptAsync([Bob], Text("second"));
        Assert.False(Assert.Single(second.Element.Keys).IsKeyExchange);
        Assert.Equal("second", Encoding.UTF8.GetString((await DeliverAsync(bob, Alice, second.Element)).Plaintext!));

        var answer = await bob.EncryptAsync([Alice], Text("hi alice"));
        Assert.Equal("hi alice", Encoding.UTF8.GetString((await DeliverAsync(alice, Bob, answer.Element)).Plaintext!));
    }

    [Fact]
    public async Task Encrypt_FansOutToOwnOtherDevices_NeverSelf()
    {
        using var alice1 = await NewAsync(Alice);
        using var alice2 = await NewAsync(Alice);
        using var bob = await NewAsync(Bob);
        Assert.NotEqual(alice1.DeviceId, alice2.DeviceId);

        var sent = await alice1.EncryptAsync([Bob], Text("to everyone"));
        Assert.Empty(sent.Failures);
        Assert.Equal(
            new[] { (Alice, alice2.DeviceId), (Bob, bob.DeviceId) }.OrderBy(k => k.Item1).ThenBy(k => k.Item2),
            sent.Element.Keys.Select(k => (k.Jid, k.DeviceId)).OrderBy(k => k.Item1).ThenBy(k => k.Item2));
        Assert.Null(sent.Element.FindKey(Alice, alice1.DeviceId));

        Assert.Equal("to everyone", Encoding.UTF8.GetString((await DeliverAsync(bob, Alice, sent.Element)).Plaintext!));
        Assert.Equal("to everyone", Encoding.UTF8.GetString((await DeliverAsync(alice2, Alice, sent.Element)).Plaintext!));
    }

    [Fact]
    public async Task ThreeManagers_GroupMessage()
    {
        using var alice = await NewAsync(Alice);
        using var bob = await NewAsync(Bob);
        using var carol = await NewAsync(Carol);

        var sent = await alice.EncryptAsync([Bob, Carol], Text("group"));
        Assert.Equal(2, sent.Element.Keys.Count);
        foreach (var (manager, reply) in new[] { (bob, (await DeliverAsync(bob, Alice, sent.Element)).AutomaticReply),
                                                  (carol, (await DeliverAsync(carol, Alice, sent.Element)).AutomaticReply) })
            Assert.Null((await DeliverAsync(alice, manager.Jid, reply!)).Plaintext);

        var fromCarol = await carol.EncryptAsync([Alice, Bob], Text("from carol"));
        Assert.Equal("from carol", Encoding.UTF8.GetString((await DeliverAsync(alice, Carol, fromCarol.Element)).Plaintext!));
        Assert.Equal("from carol", Encoding.UTF8.GetString((await DeliverAsync(bob, Carol, fromCarol.Element)).Plaintext!));
    }

    [Fact]
    public async Task KeyExchange_IsRepeatedUntilThePeerAnswers()
    {
        using var alice = await NewAsync(Alice);
        using var bob = await NewAsync(Bob);

        var messages = new List<EncryptedElement>();
        for (int i = 0; i < 3; i++) messages.Add((await alice.EncryptAsync([Bob], Text($"m{i}"))).Element);
        Assert.All(messages, m => Assert.True(Assert.Single(m.Keys).IsKeyExchange));
        var kexes = messages.Select(m => OmemoKeyExchange.Parse(m.Keys[0].Data)).ToList();
        Assert.All(kexes, k => Assert.Equal(kexes[0].EphemeralKey, k.EphemeralKey));

        EncryptedElement? reply = null;
        for (int i = 0; i < 3; i++)
        {
            var r = await DeliverAsync(bob, Alice, messages[i]);
            Assert.Equal($"m{i}", Encoding.UTF8.GetString(r.Plaintext!));
            Assert.Equal(i == 0, r.NewSession); // the same key exchange only decrypts with the existing session
            reply = r.AutomaticReply;
        }
        await DeliverAsync(alice, Bob, reply!);
        var after = await alice.EncryptAsync([Bob], Text("answered"));
        Assert.False(Assert.Single(after.Element.Keys).IsKeyExchange);
        Assert.Equal("answered", Encoding.UTF8.GetString((await DeliverAsync(bob, Alice, after.Element)).Plaintext!));
    }

    [Fact]
    public async Task UsedPreKey_IsReplacedInStoreAndBundle()
    {
        var bobStore = new InMemoryOmemoStore();
        using var alice = await NewAsync(Alice);
        using var bob = await NewAsync(Bob, bobStore);
        Assert.Equal(SessionManagerOptions.Default.PreKeyCount, (await bobStore.GetPreKeysAsync()).Count);

        var sent = await alice.EncryptAsync([Bob], Text("x"));
        uint used = OmemoKeyExchange.Parse(sent.Element.Keys[0].Data).PreKeyId;
        Assert.NotNull(await bobStore.GetPreKeyAsync(used));
        await DeliverAsync(bob, Alice, sent.Element);

        Assert.Null(await bobStore.GetPreKeyAsync(used));
        Assert.Equal(SessionManagerOptions.Default.PreKeyCount, (await bobStore.GetPreKeysAsync()).Count);
        var published = PepStanzas.ParseBundleResult(Pep.Process(Alice, PepStanzas.FetchBundle("b", Bob, bob.DeviceId)), bob.DeviceId);
        Assert.Equal(SessionManagerOptions.Default.PreKeyCount, published.PreKeys.Count);
        Assert.DoesNotContain(published.PreKeys, p => p.Id == used);
        Assert.False(bob.IsBundlePublishPending);
    }

    [Fact]
    public async Task FailedDecryption_WritesNothing_AndTypedErrors()
    {
        var bobStore = new InMemoryOmemoStore();
        using var alice = await NewAsync(Alice);
        using var bob = await NewAsync(Bob, bobStore);
        var sent = await alice.EncryptAsync([Bob], Text("payload"));
        uint used = OmemoKeyExchange.Parse(sent.Element.Keys[0].Data).PreKeyId;

        byte[] tampered = sent.Element.Payload!.ToArray();
        tampered[0] ^= 1;
        await Assert.ThrowsAsync<AuthenticationFailedException>(() => DeliverAsync(bob, Alice, sent.Element with { Payload = tampered }));
        Assert.Null(await bobStore.GetSessionAsync(new DeviceAddress(Alice, alice.DeviceId)));
        Assert.NotNull(await bobStore.GetPreKeyAsync(used));
        Assert.Equal(SessionManagerOptions.Default.PreKeyCount, (await bobStore.GetPreKeysAsync()).Count);

        // The genuine message still decrypts; a second delivery is a duplicate.
        var ok = await DeliverAsync(bob, Alice, sent.Element);
        Assert.Equal("payload", Encoding.UTF8.GetString(ok.Plaintext!));
        var snapshot = (await bobStore.GetSessionAsync(new DeviceAddress(Alice, alice.DeviceId)))!.State;
        var duplicate = await DeliverAsync(bob, Alice, sent.Element);
        Assert.True(duplicate.IsDuplicate);
        Assert.Null(duplicate.Plaintext);
        Assert.Null(duplicate.AutomaticReply);
        Assert.Equal(snapshot, (await bobStore.GetSessionAsync(new DeviceAddress(Alice, alice.DeviceId)))!.State);
        await DeliverAsync(alice, Bob, ok.AutomaticReply!);

        // A normal message from a device we have no session with: a clear error, no session created.
        var normal = await alice.EncryptAsync([Bob], Text("no kex"));
        Assert.False(normal.Element.Keys[0].IsKeyExchange);
        var dropped = new StoreChanges();
        dropped.DeleteSessions.Add(new DeviceAddress(Alice, alice.DeviceId));
        await bobStore.CommitAsync(dropped);
        await Assert.ThrowsAsync<NoSessionException>(() => DeliverAsync(bob, Alice, normal.Element));
        Assert.Null(await bobStore.GetSessionAsync(new DeviceAddress(Alice, alice.DeviceId)));

        await Assert.ThrowsAsync<NotForThisDeviceException>(() => DeliverAsync(alice, Bob, normal.Element));
    }

    [Fact]
    public async Task DistrustedDevice_IsSkippedAndReported()
    {
        var aliceStore = new InMemoryOmemoStore();
        using var alice = await NewAsync(Alice, aliceStore);
        using var bob = await NewAsync(Bob);
        using var carol = await NewAsync(Carol);
        var distrust = new StoreChanges();
        distrust.PutTrust.Add(new TrustRecord(new DeviceAddress(Bob, bob.DeviceId), bob.IdentityKey.ToArray(), TrustLevel.Distrusted));
        await aliceStore.CommitAsync(distrust);

        var sent = await alice.EncryptAsync([Bob, Carol], Text("not for bob"));
        var failure = Assert.Single(sent.Failures);
        Assert.Equal(new DeviceAddress(Bob, bob.DeviceId), failure.Device);
        Assert.Equal(DeviceFailureReason.Untrusted, failure.Reason);
        Assert.Equal(Carol, Assert.Single(sent.Element.Keys).Jid);
        Assert.Null(await aliceStore.GetSessionAsync(new DeviceAddress(Bob, bob.DeviceId)));
        await Assert.ThrowsAsync<NotForThisDeviceException>(() => DeliverAsync(bob, Alice, sent.Element));

        var none = await Assert.ThrowsAsync<NoRecipientDevicesException>(() => alice.EncryptAsync([Bob], Text("x")));
        Assert.Equal(DeviceFailureReason.Untrusted, Assert.Single(none.Failures).Reason);
    }

    [Fact]
    public async Task UnknownRecipient_IsReportedWithoutFailingTheMessage()
    {
        using var alice = await NewAsync(Alice);
        using var bob = await NewAsync(Bob);
        var sent = await alice.EncryptAsync([Bob, "nobody@example.org"], Text("hi"));
        var failure = Assert.Single(sent.Failures);
        Assert.Equal(DeviceFailureReason.NoDeviceList, failure.Reason);
        Assert.Equal("nobody@example.org", failure.Device.Jid);
        Assert.Single(sent.Element.Keys);
    }

    [Fact]
    public async Task CreateAsync_ReopensTheStoredDevice()
    {
        var store = new InMemoryOmemoStore();
        uint id;
        using (var first = await NewAsync(Alice, store)) id = first.DeviceId;
        using var again = await NewAsync(Alice, store);
        Assert.Equal(id, again.DeviceId);
        var list = PepStanzas.ParseDeviceListResult(Pep.Process(Bob, PepStanzas.FetchDeviceList("d", Alice)));
        Assert.Equal(id, Assert.Single(list).Id);
    }

    [Fact]
    public async Task Sqlite_SessionsSurviveReopening()
    {
        string dir = Path.Combine(Path.GetTempPath(), "omemo-mgr-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "alice.db");
            using var bob = await NewAsync(Bob);
            uint aliceId;
            EncryptedElement reply;
            await using (var store = await SqliteOmemoStore.OpenAsync(path))
            {
                using var alice = await NewAsync(Alice, store);
                aliceId = alice.DeviceId;
                var sent = await alice.EncryptAsync([Bob], Text("persisted"));
                var r = await DeliverAsync(bob, Alice, sent.Element);
                Assert.Equal("persisted", Encoding.UTF8.GetString(r.Plaintext!));
                reply = r.AutomaticReply!;
            }
            await using (var store = await SqliteOmemoStore.OpenAsync(path))
            {
                using var alice = await NewAsync(Alice, store);
                Assert.Equal(aliceId, alice.DeviceId);
                Assert.Null((await DeliverAsync(alice, Bob, reply)).Plaintext);
                var next = await alice.EncryptAsync([Bob], Text("after reopen"));
                Assert.False(Assert.Single(next.Element.Keys).IsKeyExchange);
                Assert.Equal("after reopen", Encoding.UTF8.GetString((await DeliverAsync(bob, Alice, next.Element)).Plaintext!));
                var back = await bob.EncryptAsync([Alice], Text("back"));
                Assert.Equal("back", Encoding.UTF8.GetString((await DeliverAsync(alice, Bob, back.Element)).Plaintext!));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
