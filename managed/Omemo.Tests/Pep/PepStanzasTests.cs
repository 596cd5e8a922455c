using System.Xml.Linq;
using Omemo.Devices;
using Omemo.Errors;
using Omemo.Pep;
using Omemo.Xml;
using static Omemo.Tests.Xml.XmlTestData;

namespace Omemo.Tests.Pep;

public class PepStanzasTests
{
    private static readonly XNamespace PubSub = "http://jabber.org/protocol/pubsub";
    private static readonly XNamespace Form = "jabber:x:data";
    private static readonly XNamespace Omemo = "urn:xmpp:omemo:2";

    private static Dictionary<string, string> Options(XElement iq)
        => iq.Element(PubSub + "pubsub")!.Element(PubSub + "publish-options")!.Element(Form + "x")!
            .Elements(Form + "field").ToDictionary(f => f.Attribute("var")!.Value, f => f.Element(Form + "value")!.Value);

    [Fact]
    public void PublishDeviceList_HasTheXepShapeAndOpenAccess()
    {
        var devices = new[] { new DeviceEntry(12345), new DeviceEntry(4223) };
        var iq = XElement.Parse(PepStanzas.PublishDeviceList("announce1", devices, "juliet@capulet.lit"));
        Assert.Equal("iq", iq.Name.LocalName);
        Assert.Equal("set", iq.Attribute("type")!.Value);
        Assert.Equal("announce1", iq.Attribute("id")!.Value);
        Assert.Equal("juliet@capulet.lit", iq.Attribute("to")!.Value);
        var publish = iq.Element(PubSub + "pubsub")!.Element(PubSub + "publish")!;
        Assert.Equal("urn:xmpp:omemo:2:devices", publish.Attribute("node")!.Value);
        var item = Assert.Single(publish.Elements(PubSub + "item"));
        Assert.Equal("current", item.Attribute("id")!.Value);
        Assert.Equal(Omemo + "devices", Assert.Single(item.Elements()).Name);
        Assert.Equal([12345u, 4223u], DeviceListXml.Parse(item.Elements().Single()).Select(d => d.Id));

        var form = iq.Element(PubSub + "pubsub")!.Element(PubSub + "publish-options")!.Element(Form + "x")!;
        Assert.Equal("submit", form.Attribute("type")!.Value);
        Assert.Equal("hidden", form.Elements(Form + "field").First(f => f.Attribute("var")!.Value == "FORM_TYPE").Attribute("type")!.Value);
        var options = Options(iq);
        Assert.Equal("http://jabber.org/protocol/pubsub#publish-options", options["FORM_TYPE"]);
        Assert.Equal("open", options["pubsub#access_model"]);
        Assert.False(options.ContainsKey("pubsub#max_items"));
    }

    [Fact]
    public void PublishDeviceList_WithoutTo_AddressesTheOwnAccount()
    {
        var iq = XElement.Parse(PepStanzas.PublishDeviceList("a", [new DeviceEntry(1)]));
        Assert.Null(iq.Attribute("to"));
    }

    [Fact]
    public void PublishBundle_UsesDeviceIdAsItemIdAndMaxItems()
    {
        var bundle = SignedBundle(new Random(1), 5);
        var iq = XElement.Parse(PepStanzas.PublishBundle("annouce2", 31415, bundle));
        var publish = iq.Element(PubSub + "pubsub")!.Element(PubSub + "publish")!;
        Assert.Equal("urn:xmpp:omemo:2:bundles", publish.Attribute("node")!.Value);
        var item = Assert.Single(publish.Elements(PubSub + "item"));
        Assert.Equal("31415", item.Attribute("id")!.Value);
        AssertSame(bundle, BundleXml.Parse(item.Elements().Single()));
        var options = Options(iq);
        Assert.Equal("max", options["pubsub#max_items"]);
        Assert.Equal("open", options["pubsub#access_model"]);
        Assert.Equal("http://jabber.org/protocol/pubsub#publish-options", options["FORM_TYPE"]);
    }

    [Fact]
    public void Fetches_HaveTheXepShape()
    {
        var list = XElement.Parse(PepStanzas.FetchDeviceList("gfetch0", "romeo@montague.lit"));
        Assert.Equal(("get", "gfetch0", "romeo@montague.lit"), (list.Attribute("type")!.Value, list.Attribute("id")!.Value, list.Attribute("to")!.Value));
        var items = list.Element(PubSub + "pubsub")!.Element(PubSub + "items")!;
        Assert.Equal("urn:xmpp:omemo:2:devices", items.Attribute("node")!.Value);
        Assert.False(items.HasElements);

        var bundle = XElement.Parse(PepStanzas.FetchBundle("gfetch2", "romeo@montague.lit", 123));
        items = bundle.Element(PubSub + "pubsub")!.Element(PubSub + "items")!;
        Assert.Equal("urn:xmpp:omemo:2:bundles", items.Attribute("node")!.Value);
        Assert.Equal("123", Assert.Single(items.Elements(PubSub + "item")).Attribute("id")!.Value);
    }

    [Fact]
    public void Builders_RefuseBadArguments()
    {
        Assert.Throws<ArgumentException>(() => PepStanzas.FetchDeviceList(" ", "a@b"));
        Assert.Throws<ArgumentException>(() => PepStanzas.FetchDeviceList("x", ""));
        Assert.Throws<ArgumentOutOfRangeException>(() => PepStanzas.FetchBundle("x", "a@b", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PepStanzas.PublishBundle("x", 0x8000_0000, SignedBundle(new Random(2), 1)));
    }

    [Fact]
    public void ParseDeviceListResult_ReadsTheCurrentItem()
    {
        string xml = $"""
            <iq xmlns='jabber:client' type='result' id='f1' from='romeo@montague.lit'>
              <pubsub xmlns='http://jabber.org/protocol/pubsub'>
                <items node='urn:xmpp:omemo:2:devices'>
                  <item id='current'><devices xmlns='urn:xmpp:omemo:2'><device id='7'/><device id='9'/></devices></item>
                </items>
              </pubsub>
            </iq>
            """;
        Assert.Equal([7u, 9u], PepStanzas.ParseDeviceListResult(xml, "f1").Select(d => d.Id));
        Assert.Throws<MalformedMessageException>(() => PepStanzas.ParseDeviceListResult(xml, "other"));
        Assert.Empty(PepStanzas.ParseDeviceListResult(
            "<iq type='result' id='f'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:omemo:2:devices'/></pubsub></iq>"));
    }

    [Theory]
    [InlineData("<iq type='result' id='f'/>")]
    [InlineData("<iq type='get' id='f'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:omemo:2:devices'/></pubsub></iq>")]
    [InlineData("<iq type='result' id='f'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:omemo:2:bundles'/></pubsub></iq>")]
    [InlineData("<iq type='result' id='f'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:omemo:2:devices'><item id='current'/></items></pubsub></iq>")]
    [InlineData("<iq type='result' id='f'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:omemo:2:devices'><item id='current'><devices xmlns='urn:xmpp:omemo:2'><device id='0'/></devices></item></items></pubsub></iq>")]
    [InlineData("<message type='result' id='f'/>")]
    [InlineData("<iq type='result' id='f'")]
    [InlineData("<!DOCTYPE iq [<!ENTITY a 'x'>]><iq type='result' id='f'/>")]
    public void ParseDeviceListResult_RefusesMalformedAnswers(string xml)
        => Assert.Throws<MalformedMessageException>(() => PepStanzas.ParseDeviceListResult(xml));

    [Fact]
    public void ParseResults_ReportErrorConditions()
    {
        const string error = "<iq type='error' id='f'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
        Assert.Equal("item-not-found", Assert.Throws<PepRequestFailedException>(() => PepStanzas.ParseDeviceListResult(error)).Condition);
        Assert.Equal("item-not-found", Assert.Throws<PepRequestFailedException>(() => PepStanzas.ParseBundleResult(error, 5)).Condition);
        const string precondition = "<iq type='error' id='f'><error type='modify'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
            + "<precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/></error></iq>";
        Assert.Equal("precondition-not-met", Assert.Throws<PepRequestFailedException>(() => PepStanzas.ParsePublishResult(precondition)).Condition);
        PepStanzas.ParsePublishResult("<iq type='result' id='p'/>", "p");
    }

    [Fact]
    public void ParseBundleResult_PicksTheRequestedDevice()
    {
        var rng = new Random(3);
        var b1 = SignedBundle(rng, 2);
        var b2 = SignedBundle(rng, 3);
        string xml = $"<iq type='result' id='b'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:omemo:2:bundles'>"
            + $"<item id='11'>{BundleXml.ToXml(b1)}</item><item id='22'>{BundleXml.ToXml(b2)}</item></items></pubsub></iq>";
        AssertSame(b2, PepStanzas.ParseBundleResult(xml, 22, "b"));
        AssertSame(b1, PepStanzas.ParseBundleResult(xml, 11));
        Assert.Throws<MalformedMessageException>(() => PepStanzas.ParseBundleResult(xml, 33));
    }

    [Fact]
    public void ParseDeviceListNotification_ReadsXepListing1()
    {
        const string message = """
            <message from='juliet@capulet.lit/balcony' to='romeo@montague.lit' type='headline' id='update_01'>
              <event xmlns='http://jabber.org/protocol/pubsub#event'>
                <items node='urn:xmpp:omemo:2:devices'>
                  <item id='current'>
                    <devices xmlns='urn:xmpp:omemo:2'>
                      <device id='12345' />
                      <device id='4223' label='Gajim_on_Ubuntu_Linux' />
                    </devices>
                  </item>
                </items>
              </event>
            </message>
            """;
        var update = PepStanzas.ParseDeviceListNotification(message)!;
        Assert.Equal("juliet@capulet.lit", update.Jid);
        Assert.Equal([12345u, 4223u], update.Devices.Select(d => d.Id));
        Assert.Null(PepStanzas.ParseDeviceListNotification(message.Replace("omemo:2:devices", "omemo:2:bundles")));
        Assert.Throws<MalformedMessageException>(() => PepStanzas.ParseDeviceListNotification(message.Replace("from='juliet@capulet.lit/balcony'", "")));
    }

    [Fact]
    public void ParseDeviceListResult_PrefersCurrentAndBoundsHostileInput()
    {
        string Item(string id, uint device) => $"<item id='{id}'><devices xmlns='urn:xmpp:omemo:2'><device id='{device}'/></devices></item>";
        string Wrap(string items) => $"<iq type='result' id='f'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:omemo:2:devices'>{items}</items></pubsub></iq>";
        Assert.Equal([2u], PepStanzas.ParseDeviceListResult(Wrap(Item("a", 1) + Item("current", 2) + Item("b", 3))).Select(d => d.Id));
        Assert.Equal([3u], PepStanzas.ParseDeviceListResult(Wrap(Item("a", 1) + Item("b", 3))).Select(d => d.Id));
        Assert.Throws<MalformedMessageException>(() => PepStanzas.ParseDeviceListResult(Wrap(Item("current", 1) + "<other/>")));

        string many = string.Concat(Enumerable.Range(1, XmlLimits.MaxDevices + 1).Select(i => $"<device id='{i}'/>"));
        Assert.Throws<MalformedMessageException>(() => PepStanzas.ParseDeviceListResult(Wrap($"<item id='current'><devices xmlns='urn:xmpp:omemo:2'>{many}</devices></item>")));
        Assert.Throws<MalformedMessageException>(() => PepStanzas.ParseDeviceListResult(Wrap(new string(' ', XmlLimits.MaxDocumentCharacters))));

        // 251 devices parse (the XML bound is 1,000) but the per-JID cap refuses them with a typed error.
        string list = string.Concat(Enumerable.Range(1, 251).Select(i => $"<device id='{i}'/>"));
        var parsed = PepStanzas.ParseDeviceListResult(Wrap($"<item id='current'><devices xmlns='urn:xmpp:omemo:2'>{list}</devices></item>"));
        Assert.Throws<TooManyDevicesException>(() => DeviceListRules.Default.CheckDeviceList("romeo@montague.lit", parsed));
    }
}
