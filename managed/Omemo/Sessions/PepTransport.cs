using Omemo.Pep;

namespace Omemo.Sessions;

/// <summary>
/// How a <see cref="SessionManager"/> talks to the PEP service of its XMPP server: it sends one IQ stanza (XML
/// built by <see cref="PepStanzas"/>) and receives the answer IQ (<c>type='result'</c> or <c>type='error'</c>).
/// </summary>
public interface IPepTransport
{
    /// <summary>Sends <paramref name="iqXml"/> and returns the answer IQ as XML.</summary>
    /// <param name="iqXml">The request IQ.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<string> SendIqAsync(string iqXml, CancellationToken cancellationToken);
}

/// <summary>An <see cref="IPepTransport"/> over an <see cref="InMemoryPepService"/> (tests and the demo).</summary>
public sealed class InMemoryPepTransport : IPepTransport
{
    private readonly InMemoryPepService _service;
    private readonly string _fromJid;

    /// <summary>Sends every IQ to <paramref name="service"/> as <paramref name="fromJid"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public InMemoryPepTransport(InMemoryPepService service, string fromJid)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(fromJid);
        _service = service;
        _fromJid = fromJid;
    }

    /// <inheritdoc />
    public Task<string> SendIqAsync(string iqXml, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_service.Process(_fromJid, iqXml));
    }
}
