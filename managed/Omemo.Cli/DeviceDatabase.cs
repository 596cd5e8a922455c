using System.Security.Cryptography;
using Omemo.Pep;
using Omemo.Sessions;
using Omemo.Storage;
using Omemo.TrustPolicies;

namespace Omemo.Cli;

/// <summary>
/// One OMEMO device kept in a SQLite file (<see cref="SqliteOmemoStore"/>) and opened through
/// <see cref="SessionManager.CreateAsync"/> over a fresh <see cref="InMemoryPepService"/>: the scripting commands have
/// no XMPP server, so the device (re)publishes its bundle and device list into this in-memory model, and the
/// recipients' bundles are published into it from files (<see cref="PublishPeer"/>). Trust is blind trust before
/// verification.
/// </summary>
internal sealed class DeviceDatabase : IAsyncDisposable
{
    private readonly SqliteOmemoStore _store;
    private int _iqCounter;

    private DeviceDatabase(SqliteOmemoStore store, InMemoryPepService pep, SessionManager manager)
    {
        _store = store;
        Pep = pep;
        Manager = manager;
    }

    /// <summary>The device's engine.</summary>
    internal SessionManager Manager { get; }

    /// <summary>The in-memory PEP model the device talks to.</summary>
    internal InMemoryPepService Pep { get; }

    /// <summary>The device's store.</summary>
    internal IOmemoStore Store => _store;

    /// <summary>Opens the device stored in <paramref name="file"/>, which must exist and hold one.</summary>
    /// <exception cref="CliException">No such file, or the file holds no device.</exception>
    internal static async Task<DeviceDatabase> OpenAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists) throw new CliException($"no database file {file.FullName} (create one with: omemo keygen --db FILE --jid JID)");
        var store = await SqliteOmemoStore.OpenAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        try
        {
            var identity = await store.GetIdentityAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new CliException($"{file.FullName} holds no OMEMO device (create one with: omemo keygen --db FILE --jid JID)");
            CryptographicOperations.ZeroMemory(identity.IdentitySeed);
            return await StartAsync(store, identity.Jid, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a new device of <paramref name="jid"/> in <paramref name="file"/> (created when missing).</summary>
    /// <exception cref="CliException">The file already holds a device.</exception>
    internal static async Task<DeviceDatabase> CreateAsync(FileInfo file, string jid, CancellationToken cancellationToken)
    {
        var store = await SqliteOmemoStore.OpenAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        try
        {
            if (await store.GetIdentityAsync(cancellationToken).ConfigureAwait(false) is { } existing)
            {
                CryptographicOperations.ZeroMemory(existing.IdentitySeed);
                throw new CliException($"{file.FullName} already holds device {existing.DeviceId} of {existing.Jid} (see: omemo bundle --db FILE)");
            }
            return await StartAsync(store, jid, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Publishes another account's devices into <see cref="Pep"/> as that account would: its device list
    /// (<paramref name="deviceIds"/>) and the given bundles, so <see cref="SessionManager.EncryptAsync"/> finds them.
    /// </summary>
    /// <exception cref="Omemo.Errors.PepRequestFailedException">The in-memory service refused a publish.</exception>
    internal void PublishPeer(string jid, IEnumerable<uint> deviceIds, IEnumerable<(uint DeviceId, X3dh.Bundle Bundle)> bundles)
    {
        Publish(jid, id => PepStanzas.PublishDeviceList(id, deviceIds.Distinct().Order().Select(d => new Xml.DeviceEntry(d))));
        foreach (var (deviceId, bundle) in bundles) Publish(jid, id => PepStanzas.PublishBundle(id, deviceId, bundle));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Manager.Dispose();
        await _store.DisposeAsync().ConfigureAwait(false);
    }

    private void Publish(string jid, Func<string, string> stanza)
    {
        string id = $"cli-{++_iqCounter}";
        PepStanzas.ParsePublishResult(Pep.Process(jid, stanza(id)), id);
    }

    private static async Task<DeviceDatabase> StartAsync(SqliteOmemoStore store, string jid, CancellationToken cancellationToken)
    {
        var pep = new InMemoryPepService();
        var manager = await SessionManager.CreateAsync(store, new InMemoryPepTransport(pep, jid),
            BlindTrustBeforeVerificationPolicy.Instance, jid, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new DeviceDatabase(store, pep, manager);
    }
}
