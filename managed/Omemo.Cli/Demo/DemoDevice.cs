using Omemo.Sessions;
using Omemo.Storage;

namespace Omemo.Cli.Demo;

/// <summary>One simulated device: a session manager over its own SQLite store.</summary>
internal sealed class DemoDevice(string jid, string resource, SqliteOmemoStore store, SessionManager manager) : IAsyncDisposable
{
    /// <summary>Whether the device speaks OMEMO 2.</summary>
    internal bool Omemo2 => Manager.Options.EnableOmemo2;

    /// <summary>Whether the device speaks legacy OMEMO 0.3.</summary>
    internal bool Legacy => Manager.Options.EnableLegacyOmemo;

    /// <summary>Whether the two devices share an OMEMO version (otherwise they cannot reach each other).</summary>
    internal bool SharesVersionWith(DemoDevice other) => (Omemo2 && other.Omemo2) || (Legacy && other.Legacy);

    /// <summary>The member's bare JID.</summary>
    internal string Jid { get; } = jid;

    /// <summary>The device's full JID (stanzas' <c>from</c>).</summary>
    internal string FullJid { get; } = $"{jid}/{resource}";

    /// <summary>The device's engine.</summary>
    internal SessionManager Manager { get; } = manager;

    /// <inheritdoc />
    public override string ToString() => $"{Jid}/{Manager.DeviceId}";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Manager.Dispose();
        await store.DisposeAsync().ConfigureAwait(false);
    }
}
