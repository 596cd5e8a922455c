using Microsoft.Data.Sqlite;
using Omemo.Errors;

namespace Omemo.Storage;

/// <summary>
/// The embedded default <see cref="IOmemoStore"/>: one SQLite file (Microsoft.Data.Sqlite) in WAL mode with
/// <c>synchronous=FULL</c>, so a commit that returned is durable, and <c>secure_delete</c>, so consumed pre-keys and
/// replaced ratchet states are overwritten in the file. The schema is versioned with <c>PRAGMA user_version</c>.
/// Every <see cref="CommitAsync"/> is one transaction over prepared statements reused per row; access is serialized,
/// so the store is safe for concurrent callers. SQLite failures surface as <see cref="StorageException"/>
/// (<see cref="StorageCorruptedException"/> for a damaged or non-SQLite file). JIDs are compared ordinally: pass
/// normalized bare JIDs. Lists are returned in ascending id order.
/// </summary>
public sealed partial class SqliteOmemoStore : IOmemoStore
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommands _commands;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    private SqliteOmemoStore(SqliteConnection connection)
    {
        _connection = connection;
        _commands = new SqliteCommands(connection);
    }

    /// <summary>The schema version this engine writes (stored in <c>PRAGMA user_version</c>).</summary>
    public static long SchemaVersion => SqliteSchema.CurrentVersion;

    /// <summary>
    /// Opens (or creates) the store at <paramref name="path"/> and creates or checks its schema.
    /// </summary>
    /// <exception cref="UnsupportedStorageVersionException">The file was written by a newer schema version.</exception>
    /// <exception cref="StorageCorruptedException">The file is not an SQLite database or is damaged.</exception>
    /// <exception cref="StorageException">The file cannot be opened (missing directory, permissions, locked).</exception>
    public static async Task<SqliteOmemoStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // disposing the store closes the file
            DefaultTimeout = SqliteSchema.BusyTimeoutMilliseconds / 1000,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            SqliteSchema.Initialize(connection);
            return new SqliteOmemoStore(connection);
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Map(e, "opened");
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<IdentityRecord?> GetIdentityAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(() =>
        {
            using var reader = _commands.GetIdentity.ExecuteReader();
            if (!reader.Read()) return null;
            return new IdentityRecord(reader.GetString(0), ReadUInt(reader, 1), Blob(reader, 2),
                reader.IsDBNull(3) ? null : reader.GetString(3));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SignedPreKeyRecord>> GetSignedPreKeysAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<SignedPreKeyRecord>>(() =>
        {
            var result = new List<SignedPreKeyRecord>();
            using var reader = _commands.GetSignedPreKeys.ExecuteReader();
            while (reader.Read())
                result.Add(new SignedPreKeyRecord(ReadUInt(reader, 0), Blob(reader, 1), Blob(reader, 2), Time(reader, 3)));
            return result;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<PreKeyRecord?> GetPreKeyAsync(uint id, CancellationToken cancellationToken = default) =>
        ReadAsync(() =>
        {
            _commands.GetPreKey.Parameters[0].Value = (long)id;
            using var reader = _commands.GetPreKey.ExecuteReader();
            return reader.Read() ? new PreKeyRecord(ReadUInt(reader, 0), Blob(reader, 1)) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PreKeyRecord>> GetPreKeysAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<PreKeyRecord>>(() =>
        {
            var result = new List<PreKeyRecord>();
            using var reader = _commands.GetPreKeys.ExecuteReader();
            while (reader.Read()) result.Add(new PreKeyRecord(ReadUInt(reader, 0), Blob(reader, 1)));
            return result;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<uint> GetHighestPreKeyIdAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(() => (uint)Convert.ToInt64(_commands.GetMaxPreKeyId.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture),
            cancellationToken);

    /// <inheritdoc />
    public Task<SessionRecord?> GetSessionAsync(DeviceAddress device, CancellationToken cancellationToken = default) =>
        GetSessionAsync(device, OmemoVersion.Omemo2, cancellationToken);

    /// <inheritdoc />
    public Task<SessionRecord?> GetSessionAsync(DeviceAddress device, OmemoVersion version, CancellationToken cancellationToken = default)
    {
        StoreValidation.CheckAddress(device, "session");
        return ReadAsync(() =>
        {
            _commands.GetSession.Parameters[0].Value = device.Jid;
            _commands.GetSession.Parameters[1].Value = (long)device.DeviceId;
            _commands.GetSession.Parameters[2].Value = (long)version;
            using var reader = _commands.GetSession.ExecuteReader();
            return reader.Read() ? ReadSession(reader) : null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SessionRecord>> GetSessionsAsync(string jid, CancellationToken cancellationToken = default)
    {
        StoreValidation.CheckJid(jid, "session lookup");
        return ReadAsync<IReadOnlyList<SessionRecord>>(() =>
        {
            _commands.GetSessions.Parameters[0].Value = jid;
            var result = new List<SessionRecord>();
            using var reader = _commands.GetSessions.ExecuteReader();
            while (reader.Read()) result.Add(ReadSession(reader));
            return result;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeviceListRecord?> GetDeviceListAsync(string jid, CancellationToken cancellationToken = default)
    {
        StoreValidation.CheckJid(jid, "device list lookup");
        return ReadAsync(() =>
        {
            _commands.GetDeviceList.Parameters[0].Value = jid;
            using var reader = _commands.GetDeviceList.ExecuteReader();
            if (!reader.Read()) return null;
            return new DeviceListRecord(reader.GetString(0), DeviceListJson.Deserialize(reader.GetString(1)), Time(reader, 2));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TrustRecord?> GetTrustAsync(DeviceAddress device, ReadOnlyMemory<byte> identityKey,
        CancellationToken cancellationToken = default)
    {
        StoreValidation.CheckAddress(device, "trust lookup");
        byte[] key = identityKey.ToArray(); // public key: no wiping needed
        return ReadAsync(() =>
        {
            var command = _commands.GetTrust;
            command.Parameters[0].Value = device.Jid;
            command.Parameters[1].Value = (long)device.DeviceId;
            command.Parameters[2].Value = key;
            using var reader = command.ExecuteReader();
            return reader.Read() ? new TrustRecord(device, key, ReadTrustLevel(reader, 0)) : null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TrustRecord>> GetTrustsAsync(string jid, CancellationToken cancellationToken = default)
    {
        StoreValidation.CheckJid(jid, "trust lookup");
        return ReadAsync<IReadOnlyList<TrustRecord>>(() =>
        {
            _commands.GetTrusts.Parameters[0].Value = jid;
            var result = new List<TrustRecord>();
            using var reader = _commands.GetTrusts.ExecuteReader();
            while (reader.Read())
                result.Add(new TrustRecord(new DeviceAddress(jid, ReadUInt(reader, 0)), Blob(reader, 1), ReadTrustLevel(reader, 2)));
            return result;
        }, cancellationToken);
    }

    private static TrustLevel ReadTrustLevel(SqliteDataReader reader, int ordinal)
    {
        long level = reader.GetInt64(ordinal);
        if (!Enum.IsDefined((TrustLevel)level)) throw new StorageCorruptedException("A stored trust level is unknown.");
        return (TrustLevel)level;
    }

    /// <summary>Closes the database file; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            _commands.Dispose();
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Test hook: the value of <c>PRAGMA name</c> on the store's own connection.</summary>
    internal Task<object?> ReadPragmaAsync(string name) => ReadAsync(() =>
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return command.ExecuteScalar();
    }, CancellationToken.None);

    /// <summary>Runs one read under the gate, mapping SQLite failures to typed storage errors.</summary>
    private async Task<T> ReadAsync<T>(Func<T> read, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return read();
        }
        catch (SqliteException e)
        {
            throw Map(e, "read");
        }
        finally
        {
            _commands.ClearValues();
            _gate.Release();
        }
    }

    private static SessionRecord ReadSession(SqliteDataReader reader) =>
        new(new DeviceAddress(reader.GetString(0), ReadUInt(reader, 1)), Blob(reader, 2)) { Version = ReadVersion(reader, 3) };

    private static OmemoVersion ReadVersion(SqliteDataReader reader, int ordinal)
    {
        long value = reader.GetInt64(ordinal);
        return Enum.IsDefined((OmemoVersion)value) ? (OmemoVersion)value
            : throw new StorageCorruptedException("A stored session has an unknown OMEMO version.");
    }

    private static byte[] Blob(SqliteDataReader reader, int ordinal) => (byte[])reader.GetValue(ordinal);

    private static uint ReadUInt(SqliteDataReader reader, int ordinal)
    {
        long value = reader.GetInt64(ordinal);
        if (value is < 0 or > uint.MaxValue) throw new StorageCorruptedException("A stored id is out of range.");
        return (uint)value;
    }

    private static DateTimeOffset Time(SqliteDataReader reader, int ordinal)
    {
        long ticks = reader.GetInt64(ordinal);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
            throw new StorageCorruptedException("A stored timestamp is out of range.");
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    /// <summary>Maps a SQLite failure to a typed, secret-free storage error (the SQLite error stays as the cause).</summary>
    private static StorageException Map(SqliteException e, string operation) => (e.SqliteErrorCode & 0xFF) switch
    {
        11 or 26 => new StorageCorruptedException($"The OMEMO store could not be {operation}: the file is not a valid database or is damaged.", e),
        _ => new StorageException($"The OMEMO store could not be {operation} (SQLite error {e.SqliteErrorCode}).", e),
    };
}
