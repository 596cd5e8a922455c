namespace Omemo.Errors;

/// <summary>
/// A device list or a message fan-out exceeds a configured cap (devices per JID or recipients per stanza), as a
/// hostile or broken device list could cause. Nothing was encrypted or stored.
/// </summary>
public sealed class TooManyDevicesException : OmemoException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">A secret-free message.</param>
    /// <param name="count">The number of devices (or recipients) that was refused.</param>
    /// <param name="limit">The cap that was exceeded.</param>
    /// <param name="jid">The bare JID whose device list is too long, or null for a per-stanza cap.</param>
    public TooManyDevicesException(string message, int count, int limit, string? jid = null) : base(message)
    {
        Count = count;
        Limit = limit;
        Jid = jid;
    }

    /// <summary>The number of devices (or recipients) that was refused.</summary>
    public int Count { get; }

    /// <summary>The cap that was exceeded.</summary>
    public int Limit { get; }

    /// <summary>The bare JID whose device list is too long, or null when the per-stanza recipient cap was exceeded.</summary>
    public string? Jid { get; }
}
