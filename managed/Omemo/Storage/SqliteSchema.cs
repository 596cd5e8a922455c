using Microsoft.Data.Sqlite;
using Omemo.Errors;

namespace Omemo.Storage;

/// <summary>
/// Connection settings and the versioned schema (<c>PRAGMA user_version</c>) of <see cref="SqliteOmemoStore"/>.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The schema version this engine writes; a store with a higher one is refused.</summary>
    public const long CurrentVersion = 3;

    /// <summary>How long a writer waits for another connection's lock before giving up.</summary>
    public const int BusyTimeoutMilliseconds = 10_000;

    private const string CreateV1 = """
        CREATE TABLE IF NOT EXISTS identity (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            jid TEXT NOT NULL,
            device_id INTEGER NOT NULL,
            seed BLOB NOT NULL CHECK (length(seed) = 32),
            label TEXT);
        CREATE TABLE IF NOT EXISTS signed_prekeys (
            id INTEGER PRIMARY KEY,
            private_key BLOB NOT NULL CHECK (length(private_key) = 32),
            signature BLOB NOT NULL CHECK (length(signature) = 64),
            created_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS prekeys (
            id INTEGER PRIMARY KEY,
            private_key BLOB NOT NULL CHECK (length(private_key) = 32));
        CREATE TABLE IF NOT EXISTS sessions (
            jid TEXT NOT NULL,
            device_id INTEGER NOT NULL,
            state BLOB NOT NULL CHECK (length(state) > 0),
            PRIMARY KEY (jid, device_id));
        CREATE TABLE IF NOT EXISTS device_lists (
            jid TEXT PRIMARY KEY,
            entries TEXT NOT NULL,
            updated_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS trust (
            jid TEXT NOT NULL,
            device_id INTEGER NOT NULL,
            identity_key BLOB NOT NULL CHECK (length(identity_key) = 32),
            level INTEGER NOT NULL,
            PRIMARY KEY (jid, device_id, identity_key));
        """;

    // Version 2: the highest pre-key id ever written, so ids of consumed pre-keys are never handed out again.
    private const string MigrateToV2 = """
        CREATE TABLE IF NOT EXISTS meta (
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL);
        INSERT OR IGNORE INTO meta (key, value) SELECT 'max_prekey_id', coalesce(max(id), 0) FROM prekeys;
        """;

    // Version 3: one session per OMEMO version and device (legacy OMEMO 0.3 next to OMEMO 2); existing ones are OMEMO 2 (0).
    private const string MigrateToV3 = """
        CREATE TABLE sessions_v3 (
            jid TEXT NOT NULL,
            device_id INTEGER NOT NULL,
            version INTEGER NOT NULL CHECK (version IN (0, 1)),
            state BLOB NOT NULL CHECK (length(state) > 0),
            PRIMARY KEY (jid, device_id, version));
        INSERT INTO sessions_v3 (jid, device_id, version, state) SELECT jid, device_id, 0, state FROM sessions;
        DROP TABLE sessions;
        ALTER TABLE sessions_v3 RENAME TO sessions;
        """;

    /// <summary>
    /// Checks the schema version (before anything is written), then sets WAL, <c>synchronous=FULL</c> (a commit
    /// that returned survives a power loss), <c>secure_delete</c> (consumed pre-keys and replaced ratchet states are
    /// overwritten in the file) and creates the schema of a new store, or migrates an older one, in one transaction.
    /// </summary>
    public static void Initialize(SqliteConnection connection)
    {
        Execute(connection, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};");
        CheckVersion(ReadVersion(connection));
        Execute(connection, "PRAGMA journal_mode = WAL;");
        Execute(connection, "PRAGMA synchronous = FULL;");
        Execute(connection, "PRAGMA secure_delete = ON;");
        using var transaction = connection.BeginTransaction(deferred: false);
        long version = ReadVersion(connection);
        CheckVersion(version);
        if (version < 1) Execute(connection, CreateV1, transaction);
        if (version < 2) Execute(connection, MigrateToV2, transaction);
        if (version < 3) Execute(connection, MigrateToV3, transaction);
        if (version < CurrentVersion) Execute(connection, $"PRAGMA user_version = {CurrentVersion};", transaction);
        transaction.Commit();
    }

    private static void CheckVersion(long version)
    {
        if (version > CurrentVersion) throw new UnsupportedStorageVersionException(version, CurrentVersion);
        if (version < 0) throw new StorageCorruptedException("The OMEMO store has an invalid schema version.");
    }

    private static long ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }
}
