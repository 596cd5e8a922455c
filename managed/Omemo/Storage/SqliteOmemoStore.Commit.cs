using Microsoft.Data.Sqlite;

namespace Omemo.Storage;

public sealed partial class SqliteOmemoStore
{
    /// <summary>Test hook: called after each row written inside a commit's transaction, with the row count so far.</summary>
    internal Action<int>? AfterRowWritten { get; set; }

    /// <summary>
    /// Applies the batch in ONE immediate transaction, whatever its size: it is validated first
    /// (<see cref="ArgumentException"/> on a malformed record), and any failure or cancellation before the final
    /// commit rolls everything back. Within a batch, deletions come before insertions. Once this returns, the batch is
    /// on disk (<c>synchronous=FULL</c>).
    /// </summary>
    public async Task CommitAsync(StoreChanges changes, CancellationToken cancellationToken = default)
    {
        StoreValidation.Validate(changes);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (changes.IsEmpty) return;
            cancellationToken.ThrowIfCancellationRequested();
            using var transaction = _connection.BeginTransaction(deferred: false);
            _commands.UseTransaction(transaction);
            WriteAll(changes, cancellationToken);
            transaction.Commit(); // from here on the batch is durable; no cancellation past this point
        }
        catch (SqliteException e)
        {
            throw Map(e, "written");
        }
        finally
        {
            if (!_disposed)
            {
                _commands.UseTransaction(null);
                _commands.ClearValues();
            }
            _gate.Release();
        }
    }

    private void WriteAll(StoreChanges changes, CancellationToken cancellationToken)
    {
        var c = _commands;
        int rows = 0;
        void Run(SqliteCommand command)
        {
            command.ExecuteNonQuery();
            AfterRowWritten?.Invoke(++rows);
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (changes.Identity is { } identity)
        {
            Set(c.PutIdentity, identity.Jid, (long)identity.DeviceId, identity.IdentitySeed, (object?)identity.Label ?? DBNull.Value);
            Run(c.PutIdentity);
        }
        foreach (uint id in changes.DeleteSignedPreKeys) { Set(c.DeleteSignedPreKey, (long)id); Run(c.DeleteSignedPreKey); }
        foreach (var r in changes.PutSignedPreKeys)
        {
            Set(c.PutSignedPreKey, (long)r.Id, r.PrivateKey, r.Signature, r.CreatedAt.UtcTicks);
            Run(c.PutSignedPreKey);
        }
        foreach (uint id in changes.DeletePreKeys) { Set(c.DeletePreKey, (long)id); Run(c.DeletePreKey); }
        foreach (var r in changes.PutPreKeys) { Set(c.PutPreKey, (long)r.Id, r.PrivateKey); Run(c.PutPreKey); }
        if (changes.PutPreKeys.Count > 0)
        {
            Set(c.RaiseMaxPreKeyId, (long)changes.PutPreKeys.Max(r => r.Id));
            Run(c.RaiseMaxPreKeyId);
        }
        foreach (var d in changes.DeleteSessions) { Set(c.DeleteSession, d.Jid, (long)d.DeviceId); Run(c.DeleteSession); }
        foreach (var r in changes.PutSessions)
        {
            Set(c.PutSession, r.Device.Jid, (long)r.Device.DeviceId, (long)r.Version, r.State);
            Run(c.PutSession);
        }
        foreach (var r in changes.PutDeviceLists)
        {
            Set(c.PutDeviceList, r.Jid, DeviceListJson.Serialize(r.Devices), r.UpdatedAt.UtcTicks);
            Run(c.PutDeviceList);
        }
        foreach (var r in changes.PutTrust)
        {
            Set(c.PutTrust, r.Device.Jid, (long)r.Device.DeviceId, r.IdentityKey, (long)r.Level);
            Run(c.PutTrust);
        }
    }

    private static void Set(SqliteCommand command, params object[] values)
    {
        for (int i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
    }
}
