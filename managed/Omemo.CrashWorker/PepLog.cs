using System.Text;
using System.Xml.Linq;
using Omemo.Pep;
using Omemo.Sessions;

namespace Omemo.CrashWorker;

/// <summary>
/// The publish IQs accepted by one <see cref="InMemoryPepService"/>, so that another process can rebuild the same
/// PEP content (device lists and bundles) in its own service: the test records what its devices publish, saves it,
/// and the worker replays it at start-up. Only the last publish of each (account, node, item) is kept, in the order
/// the items first appeared. Thread-safe. File format: one line per IQ, <c>fromJid base64(utf8(iq))</c>.
/// </summary>
public sealed class PepLog
{
    private readonly Lock _gate = new();
    private readonly List<(string From, string Iq)> _entries = [];
    private readonly Dictionary<(string From, string Node, string Item), int> _index = [];

    /// <summary>The number of items recorded.</summary>
    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>A transport for <paramref name="jid"/> over <paramref name="service"/> that records every accepted publish here.</summary>
    public IPepTransport Transport(InMemoryPepService service, string jid) => new RecordingTransport(this, service, jid);

    /// <summary>Records a publish IQ that <paramref name="fromJid"/> sent and the service accepted.</summary>
    public void Record(string fromJid, string iqXml)
    {
        var publish = XElement.Parse(iqXml).Descendants().First(e => e.Name.LocalName == "publish");
        string node = (string?)publish.Attribute("node") ?? "";
        string item = (string?)publish.Elements().FirstOrDefault(e => e.Name.LocalName == "item")?.Attribute("id") ?? "";
        lock (_gate)
        {
            if (_index.TryGetValue((fromJid, node, item), out int i)) _entries[i] = (fromJid, iqXml);
            else
            {
                _index.Add((fromJid, node, item), _entries.Count);
                _entries.Add((fromJid, iqXml));
            }
        }
    }

    /// <summary>Writes the log to <paramref name="path"/>.</summary>
    public void Save(string path)
    {
        lock (_gate)
            File.WriteAllLines(path, _entries.Select(e => $"{e.From} {Convert.ToBase64String(Encoding.UTF8.GetBytes(e.Iq))}"));
    }

    /// <summary>Sends every IQ saved in <paramref name="path"/> to <paramref name="service"/>; returns how many.</summary>
    /// <exception cref="InvalidOperationException">The service refused one of them.</exception>
    public static int Replay(string path, InMemoryPepService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        int count = 0;
        foreach (string line in File.ReadLines(path))
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            string from = line[..space];
            string answer = service.Process(from, Encoding.UTF8.GetString(Convert.FromBase64String(line[(space + 1)..])));
            if (!IsResult(answer)) throw new InvalidOperationException($"The replayed publish {count} of {from} was refused.");
            count++;
        }
        return count;
    }

    private static bool IsResult(string iqXml) => (string?)XElement.Parse(iqXml).Attribute("type") == "result";

    private static bool IsSet(string iqXml) => (string?)XElement.Parse(iqXml).Attribute("type") == "set";

    /// <summary>An <see cref="InMemoryPepTransport"/> that records the publishes the service accepts.</summary>
    private sealed class RecordingTransport(PepLog log, InMemoryPepService service, string jid) : IPepTransport
    {
        private readonly InMemoryPepTransport _inner = new(service, jid);

        public async Task<string> SendIqAsync(string iqXml, CancellationToken cancellationToken)
        {
            string answer = await _inner.SendIqAsync(iqXml, cancellationToken).ConfigureAwait(false);
            if (IsSet(iqXml) && IsResult(answer)) log.Record(jid, iqXml);
            return answer;
        }
    }
}
