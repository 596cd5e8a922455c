using Microsoft.Data.Sqlite;
using Omemo.Errors;
using Omemo.Storage;
using Xunit.Abstractions;
using static Omemo.Tests.Storage.StoreTestData;

namespace Omemo.Tests.Storage;

/// <summary>The store contract against <see cref="SqliteOmemoStore"/>, plus durability, schema and failure handling.</summary>
public sealed class SqliteOmemoStoreTests(ITestOutputHelper output) : StoreContractTests(output)
{
    private readonly string _directory = Directory.CreateTempSubdirectory("omemo-store-").FullName;

    private string DbPath => Path.Combine(_directory, "omemo.db");

    protected override async Task<IOmemoStore> OpenEmptyStoreAsync() => await SqliteOmemoStore.OpenAsync(DbPath);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private SqliteConnection Raw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    [Fact]
    public async Task EverythingSurvivesReopen()
    {
        var identity = Identity();
        var spk = SignedPreKey(7);
        var pk = PreKey(9);
        var session = Session(Bob, 3);
        var list = DeviceList(Bob);
        var trust = Trust(Bob, 3, TrustLevel.Verified);
        await Store.CommitAsync(Changes(c =>
        {
            c.Identity = identity; c.PutSignedPreKeys.Add(spk); c.PutPreKeys.Add(pk); c.PutSessions.Add(session);
            c.PutDeviceLists.Add(list); c.PutTrust.Add(trust);
        }));
        await Store.DisposeAsync();

        await using var reopened = await SqliteOmemoStore.OpenAsync(DbPath);
        Same(identity, await reopened.GetIdentityAsync());
        Same(spk, Assert.Single(await reopened.GetSignedPreKeysAsync()));
        Same(pk, await reopened.GetPreKeyAsync(9));
        Same(session, await reopened.GetSessionAsync(session.Device));
        Same(list, await reopened.GetDeviceListAsync(Bob));
        Assert.Equal(TrustLevel.Verified, (await reopened.GetTrustAsync(trust.Device, trust.IdentityKey))!.Level);
    }

    [Fact]
    public async Task FailureMidwayThroughTheTransaction_RollsEverythingBack_AndTheStoreStaysUsable()
    {
        var before = Session(Bob, 1);
        await Store.CommitAsync(Changes(c => { c.PutSessions.Add(before); c.PutPreKeys.Add(PreKey(1)); }));
        var sqlite = (SqliteOmemoStore)Store;
        sqlite.AfterRowWritten = rows => { if (rows == 1000) throw new IOException("injected failure"); };
        var fanOut = Changes(c =>
        {
            c.Identity = Identity();
            c.DeletePreKeys.Add(1);
            c.PutSessions.AddRange(Enumerable.Range(1, 1000).Select(i => Session(Bob, (uint)i)));
        });
        // The 1,000-session batch fails at its very last row: nothing is applied, so it was a single transaction.
        await Assert.ThrowsAsync<IOException>(() => Store.CommitAsync(fanOut));
        sqlite.AfterRowWritten = null;
        await AssertUntouchedAsync(before);

        await Store.CommitAsync(fanOut);
        Assert.Equal(1000, (await Store.GetSessionsAsync(Bob)).Count);
        Assert.Null(await Store.GetPreKeyAsync(1));
    }

    [Fact]
    public async Task CancellationMidwayThroughTheTransaction_RollsEverythingBack()
    {
        var before = Session(Bob, 1);
        await Store.CommitAsync(Changes(c => { c.PutSessions.Add(before); c.PutPreKeys.Add(PreKey(1)); }));
        using var cts = new CancellationTokenSource();
        ((SqliteOmemoStore)Store).AfterRowWritten = rows => { if (rows == 100) cts.Cancel(); };
        var batch = Changes(c =>
        {
            c.Identity = Identity();
            c.DeletePreKeys.Add(1);
            c.PutSessions.AddRange(Enumerable.Range(1, 300).Select(i => Session(Bob, (uint)i)));
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.CommitAsync(batch, cts.Token));
        await AssertUntouchedAsync(before);
    }

    [Fact]
    public async Task NewStore_HasSchemaVersion_WalAndDurableSettings()
    {
        var sqlite = (SqliteOmemoStore)Store;
        Assert.Equal(2L, await sqlite.ReadPragmaAsync("synchronous")); // FULL
        Assert.Equal(1L, await sqlite.ReadPragmaAsync("secure_delete"));
        Assert.Equal(10_000L, await sqlite.ReadPragmaAsync("busy_timeout"));
        Assert.Equal("wal", await sqlite.ReadPragmaAsync("journal_mode"));
        await Store.DisposeAsync();
        using var raw = Raw();
        Assert.Equal(SqliteOmemoStore.SchemaVersion, Convert.ToInt64(Scalar(raw, "PRAGMA user_version;")));
        Assert.Equal("wal", Scalar(raw, "PRAGMA journal_mode;"));
        var tables = new List<string>();
        using (var command = raw.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;";
            using var reader = command.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        Assert.Equal(["device_lists", "identity", "meta", "prekeys", "sessions", "signed_prekeys", "trust"], tables);
    }

    [Fact]
    public async Task Version2Store_IsMigrated_ItsSessionsBecomingOmemo2Sessions()
    {
        await Store.DisposeAsync();
        using (var raw = Raw())
        {
            Scalar(raw, "DROP TABLE sessions;");
            Scalar(raw, "CREATE TABLE sessions (jid TEXT NOT NULL, device_id INTEGER NOT NULL, state BLOB NOT NULL, PRIMARY KEY (jid, device_id));");
            Scalar(raw, "INSERT INTO sessions VALUES ('bob@example.org', 5, x'0102030405');");
            Scalar(raw, "PRAGMA user_version = 2;");
        }
        Store = await SqliteOmemoStore.OpenAsync(DbPath);
        var device = new DeviceAddress("bob@example.org", 5);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, (await Store.GetSessionAsync(device))!.State);
        Assert.Null(await Store.GetSessionAsync(device, OmemoVersion.Legacy));
        await Store.DisposeAsync();
        using (var raw = Raw()) Assert.Equal(SqliteOmemoStore.SchemaVersion, Convert.ToInt64(Scalar(raw, "PRAGMA user_version;")));
        Store = await SqliteOmemoStore.OpenAsync(DbPath);
    }

    [Fact]
    public async Task Version1Store_IsMigrated_KeepingItsHighestPreKeyId()
    {
        await Store.CommitAsync(Changes(c => c.PutPreKeys.AddRange([PreKey(3), PreKey(41)])));
        await Store.DisposeAsync();
        using (var raw = Raw())
        {
            Scalar(raw, "DROP TABLE meta;");
            Scalar(raw, "PRAGMA user_version = 1;");
        }
        Store = await SqliteOmemoStore.OpenAsync(DbPath);
        Assert.Equal(41u, await Store.GetHighestPreKeyIdAsync());
        Assert.Equal([3u, 41u], (await Store.GetPreKeysAsync()).Select(p => p.Id));
        await Store.DisposeAsync();
        using (var raw = Raw()) Assert.Equal(SqliteOmemoStore.SchemaVersion, Convert.ToInt64(Scalar(raw, "PRAGMA user_version;")));
        Store = await SqliteOmemoStore.OpenAsync(DbPath);
    }

    [Fact]
    public async Task NewerSchemaVersion_IsRefused_AndLeftUntouched()
    {
        await Store.DisposeAsync();
        using (var raw = Raw()) Scalar(raw, "PRAGMA user_version = 99;");
        var e = await Assert.ThrowsAsync<UnsupportedStorageVersionException>(() => SqliteOmemoStore.OpenAsync(DbPath));
        Assert.Equal(99, e.FoundVersion);
        Assert.Equal(SqliteOmemoStore.SchemaVersion, e.SupportedVersion);
        using (var raw = Raw()) Assert.Equal(99L, Convert.ToInt64(Scalar(raw, "PRAGMA user_version;")));
        using (var raw = Raw()) Scalar(raw, "PRAGMA user_version = 1;");
        Store = await SqliteOmemoStore.OpenAsync(DbPath); // disposed by the fixture
    }

    [Fact]
    public async Task NonSqliteFile_GivesStorageCorruptedException()
    {
        string path = Path.Combine(_directory, "garbage.db");
        byte[] secretLooking = Bytes(8192);
        await File.WriteAllBytesAsync(path, secretLooking);
        var e = await Assert.ThrowsAsync<StorageCorruptedException>(() => SqliteOmemoStore.OpenAsync(path));
        Assert.IsAssignableFrom<OmemoException>(e);
        Assert.DoesNotContain(Convert.ToBase64String(secretLooking, 0, 6), e.Message);
        Assert.DoesNotContain(path, e.Message);

        await File.WriteAllTextAsync(path, "this is a text file, not a database at all, but long enough to have a header.");
        await Assert.ThrowsAsync<StorageCorruptedException>(() => SqliteOmemoStore.OpenAsync(path));
    }

    [Fact]
    public async Task DamagedPages_GiveStorageCorruptedException()
    {
        await Store.CommitAsync(Changes(c => c.PutSessions.AddRange(Enumerable.Range(1, 200).Select(i => Session(Bob, (uint)i, 3000)))));
        await Store.DisposeAsync();
        using (var raw = Raw()) Scalar(raw, "PRAGMA wal_checkpoint(TRUNCATE);");
        byte[] file = await File.ReadAllBytesAsync(DbPath);
        Bytes(file.Length - 4096).CopyTo(file, 4096); // keep the header page, ruin every other page
        await File.WriteAllBytesAsync(DbPath, file);

        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var damaged = await SqliteOmemoStore.OpenAsync(DbPath);
            await damaged.GetSessionsAsync(Bob);
        });
        Assert.IsType<StorageCorruptedException>(failure);
        Store = new InMemoryOmemoStore(); // the fixture disposes something
    }

    [Fact]
    public async Task MissingDirectory_GivesStorageException()
    {
        var e = await Assert.ThrowsAnyAsync<StorageException>(() => SqliteOmemoStore.OpenAsync(Path.Combine(_directory, "no", "such", "dir.db")));
        Assert.IsNotType<UnsupportedStorageVersionException>(e);
    }

    [Fact]
    public async Task TwoStoresOnOneFile_CommitConcurrently()
    {
        await using var second = await SqliteOmemoStore.OpenAsync(DbPath);
        var first = Store;
        await Task.WhenAll(
            Task.Run(async () => { for (uint i = 1; i <= 50; i++) await first.CommitAsync(Changes(c => c.PutSessions.Add(Session(Bob, i)))); }),
            Task.Run(async () => { for (uint i = 1; i <= 50; i++) await second.CommitAsync(Changes(c => c.PutSessions.Add(Session(Alice, i)))); }));
        Assert.Equal(50, (await first.GetSessionsAsync(Alice)).Count);
        Assert.Equal(50, (await second.GetSessionsAsync(Bob)).Count);
    }
}
