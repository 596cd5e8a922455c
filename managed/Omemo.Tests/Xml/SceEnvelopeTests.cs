using System.Text;
using System.Xml.Linq;
using Omemo.Errors;
using Omemo.Xml;
using static Omemo.Tests.Xml.XmlTestData;

namespace Omemo.Tests.Xml;

public class SceEnvelopeTests
{
    private const string Sce = "urn:xmpp:sce:1";
    private static readonly XName Rpad = XName.Get("rpad", Sce);

    [Fact]
    public void RoundTrip_KeepsContentAndAffixes()
    {
        var time = new DateTimeOffset(2004, 1, 25, 7, 5, 0, 123, TimeSpan.FromHours(2));
        var body = "Hello World! <&> 'quotes' \"double\"\n  indented\ttab \U0001F600";
        var extra = new XElement(XName.Get("reply", "urn:xmpp:reply:0"), new XAttribute("id", "r1"), new XAttribute(XNamespace.Xml + "lang", "en"));
        var content = new SceEnvelopeContent([SceEnvelope.CreateBody(body), extra], time, "romeo@montague.lit", "secret-room@conference.capulet.lit");

        var parsed = SceEnvelope.Parse(SceEnvelope.Build(content));
        Assert.Equal(body, parsed.Body);
        Assert.Equal(time, parsed.Timestamp);
        Assert.Equal(TimeSpan.Zero, parsed.Timestamp!.Value.Offset);
        Assert.Equal("romeo@montague.lit", parsed.From);
        Assert.Equal("secret-room@conference.capulet.lit", parsed.To);
        Assert.Equal(2, parsed.Elements.Count);
        Assert.True(XNode.DeepEquals(extra, parsed.Elements[1]));
        Assert.False(parsed.IsOptOut);

        var bytes = SceEnvelope.Parse(SceEnvelope.BuildUtf8(content));
        Assert.Equal(body, bytes.Body);
    }

    [Fact]
    public void Build_HasTheXepShape_AndLeavesTheCallersElementsAlone()
    {
        var body = SceEnvelope.CreateBody("hi");
        var envelope = XElement.Parse(SceEnvelope.Build(new SceEnvelopeContent([body], DateTimeOffset.UnixEpoch, "a@b", "c@d")));
        Assert.Null(body.Parent);
        Assert.Equal(XName.Get("envelope", Sce), envelope.Name);
        Assert.Equal(["content", "rpad", "time", "to", "from"], envelope.Elements().Select(e => e.Name.LocalName));
        Assert.All(envelope.Elements(), e => Assert.Equal(Sce, e.Name.NamespaceName));
        Assert.Equal("1970-01-01T00:00:00.000Z", envelope.Element(XName.Get("time", Sce))!.Attribute("stamp")!.Value);
        Assert.Equal("c@d", envelope.Element(XName.Get("to", Sce))!.Attribute("jid")!.Value);
        Assert.Equal("a@b", envelope.Element(XName.Get("from", Sce))!.Attribute("jid")!.Value);
        var inner = Assert.Single(envelope.Element(XName.Get("content", Sce))!.Elements());
        Assert.Equal(XName.Get("body", "jabber:client"), inner.Name);

        var minimal = XElement.Parse(SceEnvelope.Build(new SceEnvelopeContent([])));
        Assert.Equal(["content", "rpad"], minimal.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public void Padding_IsFreshRandomBase64AlphabetOfLength0To200()
    {
        var content = new SceEnvelopeContent([SceEnvelope.CreateBody("x")]);
        var lengths = new HashSet<int>();
        var paddings = new HashSet<string>();
        for (int i = 0; i < 400; i++)
        {
            var rpad = XElement.Parse(SceEnvelope.Build(content)).Element(Rpad)!.Value;
            Assert.InRange(rpad.Length, 0, SceEnvelope.MaxPaddingLength);
            Assert.Matches("^[A-Za-z0-9+/]*$", rpad);
            lengths.Add(rpad.Length);
            paddings.Add(rpad);
        }
        Assert.True(lengths.Count > 100, $"only {lengths.Count} distinct lengths");
        Assert.True(paddings.Count > 390);
        Assert.Contains(lengths, l => l < 40);
        Assert.Contains(lengths, l => l > 160);
    }

    [Fact]
    public void OptOut_RoundTrips_WithAndWithoutReason()
    {
        var reason = "Sorry, but for compliance reasons I need a permanent,\n server-side, record of our conversation.";
        var parsed = SceEnvelope.Parse(SceEnvelope.Build(new SceEnvelopeContent([SceEnvelope.CreateOptOut(reason)], From: "a@b")));
        Assert.True(parsed.IsOptOut);
        Assert.Equal(reason, parsed.OptOutReason);
        Assert.Null(parsed.Body);

        var plain = SceEnvelope.Parse(SceEnvelope.Build(new SceEnvelopeContent([SceEnvelope.CreateOptOut()])));
        Assert.True(plain.IsOptOut);
        Assert.Null(plain.OptOutReason);
        var element = SceEnvelope.CreateOptOut("r");
        Assert.Equal(XName.Get("opt-out", "urn:xmpp:omemo:2"), element.Name);
        Assert.Equal(XName.Get("reason", "urn:xmpp:omemo:2"), element.Elements().Single().Name);
    }

    [Fact]
    public void Parse_AcceptsTheXepListings()
    {
        // XEP-0384 listing 6 (spelled <rpads/>) and listing 8 (no padding at all).
        var message = SceEnvelope.Parse("""
            <envelope xmlns='urn:xmpp:sce:1'>
              <content>
                <body xmlns='jabber:client'>
                  Hello World!
                </body>
              </content>
              <rpads>...</rpads>
              <from jid='romeo@montague.lit' />
            </envelope>
            """);
        Assert.Equal("Hello World!", message.Body!.Trim());
        Assert.Equal("romeo@montague.lit", message.From);
        Assert.Null(message.To);
        Assert.Null(message.Timestamp);

        var optOut = SceEnvelope.Parse("""
            <envelope xmlns='urn:xmpp:sce:1'>
              <content>
                <opt-out xmlns='urn:xmpp:omemo:2'>
                  <reason>
                    Sorry, but for compliance reasons I need a permanent,
                    server-side, record of our conversation.
                  </reason>
                </opt-out>
              </content>
            </envelope>
            """);
        Assert.True(optOut.IsOptOut);
        Assert.Contains("compliance reasons", optOut.OptOutReason);
    }

    [Theory]
    [InlineData("2004-01-25T05:05:00Z", "2004-01-25T05:05:00+00:00")]
    [InlineData("2004-01-25T05:05:00.123Z", "2004-01-25T05:05:00.1230000+00:00")]
    [InlineData("2004-01-25T07:05:00.5+02:00", "2004-01-25T05:05:00.5000000+00:00")]
    [InlineData("2004-01-24T22:05:00-07:00", "2004-01-25T05:05:00+00:00")]
    public void Parse_ReadsXep0082Stamps(string stamp, string utc)
    {
        var parsed = SceEnvelope.Parse($"<envelope xmlns='urn:xmpp:sce:1'><content/><time stamp='{stamp}'/></envelope>");
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), parsed.Timestamp);
    }

    [Theory]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><rpad/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content/><content/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content/><rpad/><rpad/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content/><rpad/><rpads/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content/><from jid='a@b'/><from jid='c@d'/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content/><to jid='a@b'/><to jid='a@b'/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content/><time stamp='2004-01-25T05:05:00Z'/><time stamp='2004-01-25T05:05:00Z'/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content/><from/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content/><to jid=''/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content/><time/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content/><time stamp='2004-01-25T05:05:00'/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content/><time stamp='yesterday'/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content/><time stamp='2004-13-25T05:05:00Z'/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content>loose text<body xmlns='jabber:client'>x</body></content></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'>loose text<content/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:0'><content/></envelope>")]
    [InlineData("<envelope><content/></envelope>")]
    [InlineData("<envelope xmlns='urn:xmpp:sce:1'><content xmlns='urn:other'/></envelope>")]
    [InlineData("<body xmlns='jabber:client'>plain</body>")]
    public void Parse_RejectsMalformedEnvelopes(string xml)
    {
        Malformed(() => SceEnvelope.Parse(xml));
        Malformed(() => SceEnvelope.Parse(Encoding.UTF8.GetBytes(xml)));
    }

    [Fact]
    public void Parse_IgnoresUnknownAffixes()
        => Assert.Equal("x", SceEnvelope.Parse("<envelope xmlns='urn:xmpp:sce:1'><content><body xmlns='jabber:client'>x</body></content><future/><other xmlns='urn:x'/></envelope>").Body);

    [Fact]
    public void ParseUtf8_SkipsABom_AndRejectsInvalidUtf8()
    {
        var xml = SceEnvelope.BuildUtf8(new SceEnvelopeContent([SceEnvelope.CreateBody("é")]));
        Assert.Equal("é", SceEnvelope.Parse([0xEF, 0xBB, 0xBF, .. xml]).Body);
        var broken = xml.ToArray();
        int at = Array.IndexOf(broken, (byte)0xC3);
        broken[at + 1] = 0x28;   // é = C3 A9 -> C3 28
        Malformed(() => SceEnvelope.Parse(broken));
        Malformed(() => SceEnvelope.Parse([0xFF, 0xFE, .. Encoding.Unicode.GetBytes("<envelope xmlns='urn:xmpp:sce:1'><content/></envelope>")]));
        Malformed(() => SceEnvelope.Parse(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void VerifyAffixes_ChecksFromAndTo()
    {
        SceEnvelopeContent C(string? from, string? to) => new([SceEnvelope.CreateBody("x")], null, from, to);
        SceEnvelope.VerifyAffixes(C("romeo@montague.lit", null), "romeo@montague.lit", "juliet@capulet.lit", isGroupChat: false);
        SceEnvelope.VerifyAffixes(C(null, null), "romeo@montague.lit", "juliet@capulet.lit", isGroupChat: false);
        SceEnvelope.VerifyAffixes(C("Romeo@Montague.lit", "juliet@capulet.lit"), "romeo@montague.lit", "juliet@capulet.lit", false);
        SceEnvelope.VerifyAffixes(C("romeo@montague.lit", "room@conference.lit"), "romeo@montague.lit", "room@conference.lit", isGroupChat: true);

        Assert.Throws<SceAffixMismatchException>(() => SceEnvelope.VerifyAffixes(C("tybalt@capulet.lit", null), "romeo@montague.lit", "juliet@capulet.lit", false));
        // A group message replayed as a private one, and a private one replayed into a group chat.
        Assert.Throws<SceAffixMismatchException>(() => SceEnvelope.VerifyAffixes(C("romeo@montague.lit", "room@conference.lit"), "romeo@montague.lit", "juliet@capulet.lit", false));
        Assert.Throws<SceAffixMismatchException>(() => SceEnvelope.VerifyAffixes(C("romeo@montague.lit", null), "romeo@montague.lit", "room@conference.lit", isGroupChat: true));
        Assert.Throws<SceAffixMismatchException>(() => SceEnvelope.VerifyAffixes(C("romeo@montague.lit", "juliet@capulet.lit"), "romeo@montague.lit", "room@conference.lit", isGroupChat: true));
    }

    [Fact]
    public void Build_RejectsInvalidArguments()
    {
        Assert.Throws<ArgumentException>(() => SceEnvelope.CreateBody("bell\u0007"));
        Assert.Throws<ArgumentException>(() => SceEnvelope.CreateOptOut("\uFFFE"));
        Assert.Throws<ArgumentException>(() => SceEnvelope.Build(new SceEnvelopeContent([], From: " ")));
        Assert.Throws<ArgumentException>(() => SceEnvelope.Build(new SceEnvelopeContent([], To: new string('a', 4000))));
    }

    [Fact]
    public void Parse_ReturnsDetachedCopies()
    {
        var parsed = SceEnvelope.Parse(SceEnvelope.Build(new SceEnvelopeContent([SceEnvelope.CreateBody("x")])));
        Assert.Null(parsed.Elements[0].Parent);
        // Feeding parsed content back into Build works and keeps the content.
        Assert.Equal("x", SceEnvelope.Parse(SceEnvelope.Build(parsed)).Body);
    }

    [Fact]
    public void Parse_BoundsNestingDepth()
    {
        string Nested(int depth) => $"<envelope xmlns='urn:xmpp:sce:1'><content>{string.Concat(Enumerable.Repeat("<a>", depth))}{string.Concat(Enumerable.Repeat("</a>", depth))}</content></envelope>";
        SceEnvelope.Parse(Nested(XmlLimits.MaxDepth - 2));
        Malformed(() => SceEnvelope.Parse(Nested(XmlLimits.MaxDepth - 1)));
        Malformed(() => SceEnvelope.Parse(Nested(200_000)));
    }
}
