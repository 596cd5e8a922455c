using Microsoft.Data.Sqlite;

namespace Omemo.Storage;

/// <summary>
/// Every statement of <see cref="SqliteOmemoStore"/>, prepared once per connection and reused for every row and every
/// commit (only parameter values change). Not thread-safe: the store serializes access.
/// </summary>
internal sealed class SqliteCommands : IDisposable
{
    private readonly List<SqliteCommand> _all = [];

    public SqliteCommands(SqliteConnection connection)
    {
        SqliteCommand Make(string sql, params (string Name, SqliteType Type)[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, type) in parameters) command.Parameters.Add(name, type);
            command.Prepare();
            _all.Add(command);
            return command;
        }

        const SqliteType I = SqliteType.Integer, B = SqliteType.Blob, T = SqliteType.Text;
        PutIdentity = Make("INSERT OR REPLACE INTO identity (id, jid, device_id, seed, label) VALUES (1, $jid, $device_id, $seed, $label);",
            ("$jid", T), ("$device_id", I), ("$seed", B), ("$label", T));
        DeleteSignedPreKey = Make("DELETE FROM signed_prekeys WHERE id = $id;", ("$id", I));
        PutSignedPreKey = Make("INSERT OR REPLACE INTO signed_prekeys (id, private_key, signature, created_at) VALUES ($id, $private_key, $signature, $created_at);",
            ("$id", I), ("$private_key", B), ("$signature", B), ("$created_at", I));
        DeletePreKey = Make("DELETE FROM prekeys WHERE id = $id;", ("$id", I));
        PutPreKey = Make("INSERT OR REPLACE INTO prekeys (id, private_key) VALUES ($id, $private_key);", ("$id", I), ("$private_key", B));
        RaiseMaxPreKeyId = Make("UPDATE meta SET value = max(value, $id) WHERE key = 'max_prekey_id';", ("$id", I));
        DeleteSession = Make("DELETE FROM sessions WHERE jid = $jid AND device_id = $device_id;", ("$jid", T), ("$device_id", I));
        PutSession = Make("INSERT OR REPLACE INTO sessions (jid, device_id, version, state) VALUES ($jid, $device_id, $version, $state);",
            ("$jid", T), ("$device_id", I), ("$version", I), ("$state", B));
        PutDeviceList = Make("INSERT OR REPLACE INTO device_lists (jid, entries, updated_at) VALUES ($jid, $entries, $updated_at);",
            ("$jid", T), ("$entries", T), ("$updated_at", I));
        PutTrust = Make("INSERT OR REPLACE INTO trust (jid, device_id, identity_key, level) VALUES ($jid, $device_id, $identity_key, $level);",
            ("$jid", T), ("$device_id", I), ("$identity_key", B), ("$level", I));

        GetIdentity = Make("SELECT jid, device_id, seed, label FROM identity WHERE id = 1;");
        GetSignedPreKeys = Make("SELECT id, private_key, signature, created_at FROM signed_prekeys ORDER BY id;");
        GetPreKey = Make("SELECT id, private_key FROM prekeys WHERE id = $id;", ("$id", I));
        GetPreKeys = Make("SELECT id, private_key FROM prekeys ORDER BY id;");
        GetSession = Make("SELECT jid, device_id, state, version FROM sessions WHERE jid = $jid AND device_id = $device_id AND version = $version;",
            ("$jid", T), ("$device_id", I), ("$version", I));
        GetSessions = Make("SELECT jid, device_id, state, version FROM sessions WHERE jid = $jid ORDER BY device_id, version;", ("$jid", T));
        GetDeviceList = Make("SELECT jid, entries, updated_at FROM device_lists WHERE jid = $jid;", ("$jid", T));
        GetTrust = Make("SELECT level FROM trust WHERE jid = $jid AND device_id = $device_id AND identity_key = $identity_key;",
            ("$jid", T), ("$device_id", I), ("$identity_key", B));
        GetMaxPreKeyId = Make("SELECT value FROM meta WHERE key = 'max_prekey_id';");
        GetTrusts = Make("SELECT device_id, identity_key, level FROM trust WHERE jid = $jid ORDER BY device_id, identity_key;", ("$jid", T));
    }

    public SqliteCommand PutIdentity { get; }
    public SqliteCommand DeleteSignedPreKey { get; }
    public SqliteCommand PutSignedPreKey { get; }
    public SqliteCommand DeletePreKey { get; }
    public SqliteCommand PutPreKey { get; }
    public SqliteCommand DeleteSession { get; }
    public SqliteCommand PutSession { get; }
    public SqliteCommand PutDeviceList { get; }
    public SqliteCommand PutTrust { get; }
    public SqliteCommand GetIdentity { get; }
    public SqliteCommand GetSignedPreKeys { get; }
    public SqliteCommand GetPreKey { get; }
    public SqliteCommand GetPreKeys { get; }
    public SqliteCommand GetSession { get; }
    public SqliteCommand GetSessions { get; }
    public SqliteCommand GetDeviceList { get; }
    public SqliteCommand GetTrust { get; }
    public SqliteCommand GetTrusts { get; }
    public SqliteCommand RaiseMaxPreKeyId { get; }
    public SqliteCommand GetMaxPreKeyId { get; }

    /// <summary>Sets every command's transaction (null after a commit or rollback).</summary>
    public void UseTransaction(SqliteTransaction? transaction)
    {
        foreach (var command in _all) command.Transaction = transaction;
    }

    /// <summary>Drops every parameter value, so no reference to a caller's secret array is kept.</summary>
    public void ClearValues()
    {
        foreach (var command in _all)
            foreach (SqliteParameter parameter in command.Parameters) parameter.Value = DBNull.Value;
    }

    public void Dispose()
    {
        ClearValues();
        foreach (var command in _all) command.Dispose();
        _all.Clear();
    }
}
