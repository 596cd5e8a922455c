using System.Globalization;
using System.Xml.Linq;
using Omemo.Errors;
using Omemo.Xml;
using static Omemo.Pep.PepNamespaces;

namespace Omemo.Pep;

/// <summary>
/// A thread-safe model of the PEP services (XEP-0163 over XEP-0060) of many accounts, for tests and the demo. It
/// answers the IQ stanzas of <see cref="PepStanzas"/> as XML strings: publish (item ids honoured, an item with an
/// existing id replaced, <c>pubsub#max_items</c> enforced oldest first), publish-options (a new node takes them as
/// its configuration; an existing node that differs answers <c>precondition-not-met</c>, XEP-0060 section 7.1.5),
/// fetch (all items or the requested ids; a missing node or item answers <c>item-not-found</c>; a node that is not
/// <c>open</c> is readable by its owner only), and <see cref="ItemPublished"/> for notifications.
/// </summary>
public sealed class InMemoryPepService
{
    /// <summary>What <c>max</c> means for <c>pubsub#max_items</c>: the most items one node keeps.</summary>
    public const int MaxItemsLimit = 10_000;

    private static readonly XNamespace PubSubNs = PubSub;
    private static readonly XNamespace FormNs = DataForms;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Jid, string Node), NodeState> _nodes = [];

    /// <summary>
    /// Raised after every successful publish, outside the service's lock, on the publishing thread. Subscribers
    /// filter by <see cref="PepItemPublishedEventArgs.Jid"/> and <see cref="PepItemPublishedEventArgs.Node"/>.
    /// </summary>
    public event EventHandler<PepItemPublishedEventArgs>? ItemPublished;

    /// <summary>
    /// Processes one IQ request sent by <paramref name="fromJid"/> and returns the answer IQ (<c>type='result'</c>
    /// or <c>type='error'</c>), addressed back to <paramref name="fromJid"/>. An IQ without <c>to</c> addresses the
    /// sender's own account.
    /// </summary>
    /// <param name="fromJid">The sender (full or bare JID).</param>
    /// <param name="iqXml">The IQ stanza.</param>
    /// <exception cref="ArgumentException"><paramref name="fromJid"/> is blank.</exception>
    /// <exception cref="MalformedMessageException"><paramref name="iqXml"/> is not a well-formed IQ with an id within the XML limits.</exception>
    public string Process(string fromJid, string iqXml)
    {
        XmlArguments.CheckJid(fromJid, nameof(fromJid));
        var iq = SafeXml.Load(iqXml, "<iq>");
        PepStanzas.ExpectStanza(iq, "iq");
        string id = SafeXml.Attribute(iq, "id") ?? throw SafeXml.Malformed("<iq>: no id.");
        string requester = PepStanzas.BareJid(fromJid);
        string owner = SafeXml.Attribute(iq, "to") is { } to ? PepStanzas.BareJid(to) : requester;
        var pubsub = iq.Element(PubSubNs + "pubsub");
        string type = SafeXml.Attribute(iq, "type") ?? "";
        PepItemPublishedEventArgs? published = null;
        XElement answer;
        try
        {
            if (pubsub is null) throw new Failure("feature-not-implemented");
            if (type == "set" && pubsub.Element(PubSubNs + "publish") is { } publish)
                answer = Publish(requester, owner, publish, pubsub.Element(PubSubNs + "publish-options"), out published);
            else if (type == "get" && pubsub.Element(PubSubNs + "items") is { } items)
                answer = Fetch(requester, owner, items);
            else
                throw new Failure("feature-not-implemented");
        }
        catch (Failure f)
        {
            answer = Error(f.Condition, f.PubSubCondition);
        }
        catch (MalformedMessageException)
        {
            answer = Error("bad-request", null);
        }
        var reply = new XElement("iq", new XAttribute("type", answer.Name == "error" ? "error" : "result"),
            new XAttribute("id", id), new XAttribute("from", owner), new XAttribute("to", fromJid), answer);
        if (published is not null) ItemPublished?.Invoke(this, published);
        return PepStanzas.Serialize(reply);
    }

    /// <summary>The item ids of a node, oldest first; empty when the node does not exist.</summary>
    /// <param name="jid">The owner's bare JID.</param>
    /// <param name="node">The node name.</param>
    public IReadOnlyList<string> GetItemIds(string jid, string node)
    {
        lock (_gate)
            return _nodes.TryGetValue((jid, node), out var state) ? state.Items.Select(i => i.Id).ToList() : [];
    }

    /// <summary>The configuration of a node, or null when it does not exist.</summary>
    /// <param name="jid">The owner's bare JID.</param>
    /// <param name="node">The node name.</param>
    public PepNodeConfiguration? GetConfiguration(string jid, string node)
    {
        lock (_gate)
            return _nodes.TryGetValue((jid, node), out var state) ? state.Configuration : null;
    }

    private XElement Publish(string requester, string owner, XElement publish, XElement? publishOptions, out PepItemPublishedEventArgs? published)
    {
        published = null;
        if (requester != owner) throw new Failure("forbidden");
        string node = SafeXml.Attribute(publish, "node") is { Length: > 0 } n ? n : throw new Failure("bad-request", "nodeid-required");
        var itemElements = publish.Elements(PubSubNs + "item").ToList();
        if (itemElements.Count != 1 || publish.Elements().Count() != 1) throw new Failure("bad-request", "invalid-payload");
        var item = itemElements[0];
        string itemId = SafeXml.Attribute(item, "id") is { Length: > 0 } i ? i : Guid.NewGuid().ToString("N");
        var payload = new XElement(PepStanzas.Payload(item));
        var options = ReadOptions(publishOptions);

        string notification;
        lock (_gate)
        {
            if (!_nodes.TryGetValue((owner, node), out var state))
            {
                state = new NodeState(new PepNodeConfiguration(
                    options.AccessModel ?? PepNodeConfiguration.Default.AccessModel,
                    options.MaxItems ?? PepNodeConfiguration.Default.MaxItems));
                _nodes.Add((owner, node), state);
            }
            else if ((options.AccessModel is { } access && access != state.Configuration.AccessModel)
                || (options.MaxItems is { } max && max != state.Configuration.MaxItems))
            {
                throw new Failure("conflict", "precondition-not-met");
            }
            state.Items.RemoveAll(x => x.Id == itemId);
            state.Items.Add((itemId, payload));
            while (state.Items.Count > state.Configuration.MaxItems) state.Items.RemoveAt(0);
            notification = PepStanzas.Serialize(new XElement("message", new XAttribute("from", owner), new XAttribute("type", "headline"),
                new XElement(XName.Get("event", PubSubEvent), new XElement(XName.Get("items", PubSubEvent), new XAttribute("node", node),
                    new XElement(XName.Get("item", PubSubEvent), new XAttribute("id", itemId), new XElement(payload))))));
        }
        published = new PepItemPublishedEventArgs(owner, node, itemId, PepStanzas.Serialize(payload), notification);
        return new XElement(PubSubNs + "pubsub", new XElement(PubSubNs + "publish", new XAttribute("node", node),
            new XElement(PubSubNs + "item", new XAttribute("id", itemId))));
    }

    private XElement Fetch(string requester, string owner, XElement items)
    {
        string node = SafeXml.Attribute(items, "node") is { Length: > 0 } n ? n : throw new Failure("bad-request", "nodeid-required");
        var wanted = items.Elements(PubSubNs + "item").Select(i => SafeXml.Attribute(i, "id")).OfType<string>().ToHashSet();
        var result = new XElement(PubSubNs + "items", new XAttribute("node", node));
        lock (_gate)
        {
            if (!_nodes.TryGetValue((owner, node), out var state)) throw new Failure("item-not-found");
            if (requester != owner && state.Configuration.AccessModel != "open") throw new Failure("forbidden");
            foreach (var (id, payload) in state.Items)
                if (wanted.Count == 0 || wanted.Contains(id))
                    result.Add(new XElement(PubSubNs + "item", new XAttribute("id", id), new XElement(payload)));
        }
        if (wanted.Count > 0 && !result.HasElements) throw new Failure("item-not-found");
        return new XElement(PubSubNs + "pubsub", result);
    }

    private static (string? AccessModel, int? MaxItems) ReadOptions(XElement? publishOptions)
    {
        if (publishOptions is null) return (null, null);
        var form = publishOptions.Element(FormNs + "x");
        if (form is null) return (null, null);
        var fields = new Dictionary<string, string>();
        foreach (var field in form.Elements(FormNs + "field"))
            if (SafeXml.Attribute(field, "var") is { } name && field.Element(FormNs + "value") is { } value)
                fields[name] = value.Value;
        if (!fields.TryGetValue("FORM_TYPE", out var formType) || formType != PublishOptionsFormType)
            throw new Failure("bad-request", "invalid-options");
        string? access = null;
        int? maxItems = null;
        if (fields.TryGetValue(AccessModelField, out var a))
            access = a is "open" or "presence" or "roster" or "authorize" or "whitelist" ? a : throw new Failure("bad-request", "invalid-options");
        if (fields.TryGetValue(MaxItemsField, out var m))
        {
            if (m == "max") maxItems = MaxItemsLimit;
            else if (int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k is >= 1 and <= MaxItemsLimit) maxItems = k;
            else throw new Failure("bad-request", "invalid-options");
        }
        return (access, maxItems);
    }

    private static XElement Error(string condition, string? pubSubCondition)
    {
        string errorType = condition switch { "bad-request" or "conflict" => "modify", "forbidden" => "auth", _ => "cancel" };
        return new XElement("error", new XAttribute("type", errorType),
            new XElement(XName.Get(condition, Stanzas)),
            pubSubCondition is null ? null : new XElement(XName.Get(pubSubCondition, PubSubErrors)));
    }

    private sealed class NodeState(PepNodeConfiguration configuration)
    {
        public PepNodeConfiguration Configuration { get; } = configuration;

        public List<(string Id, XElement Payload)> Items { get; } = [];
    }

    private sealed class Failure(string condition, string? pubSubCondition = null) : Exception(condition)
    {
        public string Condition { get; } = condition;

        public string? PubSubCondition { get; } = pubSubCondition;
    }
}
