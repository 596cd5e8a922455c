using Omemo.Errors;
using Omemo.Pep;
using Omemo.X3dh;
using Omemo.Xml;
using static Omemo.Tests.Xml.XmlTestData;

namespace Omemo.Tests.Pep;

public class InMemoryPepServiceTests
{
    private const string Juliet = "juliet@capulet.lit";
    private const string Romeo = "romeo@montague.lit";

    [Fact]
    public void DeviceList_PublishFetchAndNotify_RoundTripThroughXml()
    {
        var pep = new InMemoryPepService();
        var seen = new List<PepItemPublishedEventArgs>();
        pep.ItemPublished += (_, e) => seen.Add(e);

        var answer = pep.Process(Juliet + "/balcony", PepStanzas.PublishDeviceList("p1", [new DeviceEntry(1), new DeviceEntry(2)]));
        PepStanzas.ParsePublishResult(answer, "p1");
        PepStanzas.ParsePublishResult(pep.Process(Juliet + "/balcony", PepStanzas.PublishDeviceList("p2", [new DeviceEntry(2), new DeviceEntry(3)])), "p2");

        // Item id 'current' replaces: one item only.
        Assert.Equal(["current"], pep.GetItemIds(Juliet, PepNamespaces.DevicesNode));
        Assert.Equal("open", pep.GetConfiguration(Juliet, PepNamespaces.DevicesNode)!.AccessModel);

        var fetched = PepStanzas.ParseDeviceListResult(pep.Process(Romeo, PepStanzas.FetchDeviceList("f1", Juliet)), "f1");
        Assert.Equal([2u, 3u], fetched.Select(d => d.Id));

        Assert.Equal(2, seen.Count);
        Assert.All(seen, e => Assert.Equal((Juliet, PepNamespaces.DevicesNode, "current"), (e.Jid, e.Node, e.ItemId)));
        var update = PepStanzas.ParseDeviceListNotification(seen[^1].NotificationXml)!;
        Assert.Equal(Juliet, update.Jid);
        Assert.Equal([2u, 3u], update.Devices.Select(d => d.Id));
        Assert.Equal([2u, 3u], DeviceListXml.Parse(seen[^1].PayloadXml).Select(d => d.Id));
    }

    [Fact]
    public void Bundles_AreKeptPerDeviceAndFetchedById()
    {
        var pep = new InMemoryPepService();
        var rng = new Random(7);
        var bundles = new Dictionary<uint, Bundle> { [11] = SignedBundle(rng, 3), [22] = SignedBundle(rng, 4), [33] = SignedBundle(rng, 5) };
        foreach (var (id, bundle) in bundles)
            PepStanzas.ParsePublishResult(pep.Process(Juliet, PepStanzas.PublishBundle($"b{id}", id, bundle)));
        var replacement = SignedBundle(rng, 6);
        PepStanzas.ParsePublishResult(pep.Process(Juliet, PepStanzas.PublishBundle("again", 22, replacement)));
        bundles[22] = replacement;

        Assert.Equal(["11", "33", "22"], pep.GetItemIds(Juliet, PepNamespaces.BundlesNode));
        Assert.Equal(InMemoryPepService.MaxItemsLimit, pep.GetConfiguration(Juliet, PepNamespaces.BundlesNode)!.MaxItems);
        foreach (var (id, bundle) in bundles)
        {
            var parsed = PepStanzas.ParseBundleResult(pep.Process(Romeo + "/orchard", PepStanzas.FetchBundle("f", Juliet, id)), id, "f");
            AssertSame(bundle, parsed);
            Assert.True(parsed.HasValidSignature());
        }
        var missing = Assert.Throws<PepRequestFailedException>(
            () => PepStanzas.ParseBundleResult(pep.Process(Romeo, PepStanzas.FetchBundle("f", Juliet, 44)), 44));
        Assert.Equal("item-not-found", missing.Condition);
    }

    [Fact]
    public void MissingNode_AnswersItemNotFound()
    {
        var pep = new InMemoryPepService();
        var e = Assert.Throws<PepRequestFailedException>(() => PepStanzas.ParseDeviceListResult(pep.Process(Romeo, PepStanzas.FetchDeviceList("f", Juliet))));
        Assert.Equal("item-not-found", e.Condition);
    }

    [Fact]
    public void MaxItems_EvictsOldestAndPublishOptionsMustMatchTheNode()
    {
        var pep = new InMemoryPepService();
        static string Publish(string id, string itemId, string? maxItems, string? access = "open") =>
            $"<iq type='set' id='{id}'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='n'><item id='{itemId}'><x xmlns='urn:t'/></item></publish>"
            + "<publish-options><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
            + (maxItems is null ? "" : $"<field var='pubsub#max_items'><value>{maxItems}</value></field>")
            + (access is null ? "" : $"<field var='pubsub#access_model'><value>{access}</value></field>")
            + "</x></publish-options></pubsub></iq>";
        for (int i = 1; i <= 5; i++) PepStanzas.ParsePublishResult(pep.Process(Juliet, Publish($"p{i}", $"i{i}", "3")));
        Assert.Equal(["i3", "i4", "i5"], pep.GetItemIds(Juliet, "n"));

        var conflict = Assert.Throws<PepRequestFailedException>(() => PepStanzas.ParsePublishResult(pep.Process(Juliet, Publish("x", "i6", "max"))));
        Assert.Equal("precondition-not-met", conflict.Condition);
        conflict = Assert.Throws<PepRequestFailedException>(() => PepStanzas.ParsePublishResult(pep.Process(Juliet, Publish("x", "i6", "3", "presence"))));
        Assert.Equal("precondition-not-met", conflict.Condition);
        Assert.Equal(["i3", "i4", "i5"], pep.GetItemIds(Juliet, "n"));

        var bad = Assert.Throws<PepRequestFailedException>(() => PepStanzas.ParsePublishResult(pep.Process(Juliet, Publish("x", "i6", "0"))));
        Assert.Equal("invalid-options", bad.Condition);
    }

    [Fact]
    public void NodeWithoutOpenAccess_IsReadableByItsOwnerOnly_AndOthersCannotPublish()
    {
        var pep = new InMemoryPepService();
        const string plain = "<iq type='set' id='p'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:xmpp:omemo:2:devices'>"
            + "<item id='current'><devices xmlns='urn:xmpp:omemo:2'><device id='5'/></devices></item></publish></pubsub></iq>";
        PepStanzas.ParsePublishResult(pep.Process(Juliet, plain));
        Assert.Equal(PepNodeConfiguration.Default, pep.GetConfiguration(Juliet, PepNamespaces.DevicesNode));
        Assert.Equal([5u], PepStanzas.ParseDeviceListResult(pep.Process(Juliet, PepStanzas.FetchDeviceList("f", Juliet))).Select(d => d.Id));
        Assert.Equal("forbidden", Assert.Throws<PepRequestFailedException>(
            () => PepStanzas.ParseDeviceListResult(pep.Process(Romeo, PepStanzas.FetchDeviceList("f", Juliet)))).Condition);
        Assert.Equal("forbidden", Assert.Throws<PepRequestFailedException>(
            () => PepStanzas.ParsePublishResult(pep.Process(Romeo, PepStanzas.PublishDeviceList("p", [new DeviceEntry(6)], Juliet)))).Condition);
        // The OMEMO publish-options (open) conflict with the node created without them.
        Assert.Equal("precondition-not-met", Assert.Throws<PepRequestFailedException>(
            () => PepStanzas.ParsePublishResult(pep.Process(Juliet, PepStanzas.PublishDeviceList("p", [new DeviceEntry(6)])))).Condition);
    }

    [Fact]
    public void Answers_CarryTheRequestIdAndAddresses()
    {
        var pep = new InMemoryPepService();
        var answer = System.Xml.Linq.XElement.Parse(pep.Process(Romeo + "/r", PepStanzas.FetchDeviceList("q42", Juliet)));
        Assert.Equal(("q42", Juliet, Romeo + "/r", "error"),
            (answer.Attribute("id")!.Value, answer.Attribute("from")!.Value, answer.Attribute("to")!.Value, answer.Attribute("type")!.Value));
        Assert.Throws<MalformedMessageException>(() => pep.Process(Romeo, "<iq type='get'/>"));
        Assert.Throws<MalformedMessageException>(() => pep.Process(Romeo, "not xml"));
        Assert.Equal("feature-not-implemented", Assert.Throws<PepRequestFailedException>(
            () => PepStanzas.ParsePublishResult(pep.Process(Romeo, "<iq type='set' id='x'><query xmlns='jabber:iq:roster'/></iq>"))).Condition);
    }

    [Fact]
    public async Task ConcurrentPublishersAndReaders_AreConsistent()
    {
        var pep = new InMemoryPepService();
        int notifications = 0;
        pep.ItemPublished += (_, _) => Interlocked.Increment(ref notifications);
        var rng = new Random(11);
        var bundle = SignedBundle(rng, 2);
        const int Accounts = 8, PerAccount = 25;
        var tasks = Enumerable.Range(0, Accounts).Select(a => Task.Run(() =>
        {
            string jid = $"user{a}@example.org";
            for (uint d = 1; d <= PerAccount; d++)
            {
                PepStanzas.ParsePublishResult(pep.Process(jid, PepStanzas.PublishBundle($"b{d}", d, bundle)));
                PepStanzas.ParsePublishResult(pep.Process(jid, PepStanzas.PublishDeviceList($"d{d}",
                    Enumerable.Range(1, (int)d).Select(i => new DeviceEntry((uint)i)))));
                var other = $"user{(a + 1) % Accounts}@example.org";
                try
                {
                    PepStanzas.ParseDeviceListResult(pep.Process(jid, PepStanzas.FetchDeviceList("f", other)));
                }
                catch (PepRequestFailedException e) when (e.Condition == "item-not-found")
                {
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        Assert.Equal(Accounts * PerAccount * 2, notifications);
        for (int a = 0; a < Accounts; a++)
        {
            Assert.Equal(PerAccount, pep.GetItemIds($"user{a}@example.org", PepNamespaces.BundlesNode).Count);
            Assert.Equal(PerAccount, PepStanzas.ParseDeviceListResult(pep.Process(Romeo, PepStanzas.FetchDeviceList("f", $"user{a}@example.org"))).Count);
        }
    }
}
