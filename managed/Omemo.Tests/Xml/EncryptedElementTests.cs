using System.Xml.Linq;
using Omemo.Xml;
using static Omemo.Tests.Xml.XmlTestData;

namespace Omemo.Tests.Xml;

public class EncryptedElementTests
{
    private const string Ns = "urn:xmpp:omemo:2";
    private const string K = "AQID";   // base64 of 01 02 03

    private static string Doc(string header, string rest = "<payload>BAUG</payload>")
        => $"<encrypted xmlns='{Ns}'>{header}{rest}</encrypted>";

    private static string Key(string attributes, string text = K) => $"<key {attributes}>{text}</key>";

    [Fact]
    public void RoundTrip_PreservesEveryField()
    {
        var rng = new Random(384);
        for (int i = 0; i < 200; i++)
        {
            var element = Element(rng, empty: i % 5 == 0);
            var parsed = EncryptedElement.Parse(element.ToXml());
            AssertSame(element, parsed);
            Assert.Equal(element.IsEmpty, parsed.IsEmpty);
        }
    }

    [Fact]
    public void ToXml_HasTheXepShape_AndGroupsKeysByJidInOrder()
    {
        var keys = new List<EncryptedKey>
        {
            new("juliet@capulet.lit", 31415, [1, 2, 3], false),
            new("romeo@montague.lit", 1337, [4], false),
            new("juliet@capulet.lit", 27, [5], true),
            new("romeo@montague.lit", 12321, [6, 7], true),
        };
        var xml = new EncryptedElement(27183, keys, [9, 9]).ToXml();
        Assert.Equal(
            "<encrypted xmlns=\"urn:xmpp:omemo:2\"><header sid=\"27183\">" +
            "<keys jid=\"juliet@capulet.lit\"><key rid=\"31415\">AQID</key><key rid=\"27\" kex=\"true\">BQ==</key></keys>" +
            "<keys jid=\"romeo@montague.lit\"><key rid=\"1337\">BA==</key><key rid=\"12321\" kex=\"true\">Bgc=</key></keys>" +
            "</header><payload>CQk=</payload></encrypted>", xml);
    }

    [Fact]
    public void KexAttribute_IsWrittenOnlyWhenTrue()
    {
        var rng = new Random(7);
        for (int i = 0; i < 50; i++)
        {
            var element = Element(rng);
            var xml = element.ToXElement();
            var keyElements = xml.Descendants(XName.Get("key", Ns)).ToList();
            Assert.Equal(element.Keys.Count, keyElements.Count);
            for (int k = 0; k < keyElements.Count; k++)
            {
                var kex = keyElements[k].Attribute("kex");
                var rid = uint.Parse(keyElements[k].Attribute("rid")!.Value);
                var key = element.Keys.Single(x => x.DeviceId == rid && x.Jid == keyElements[k].Parent!.Attribute("jid")!.Value);
                if (key.IsKeyExchange) Assert.Equal("true", kex?.Value);
                else Assert.Null(kex);
            }
            Assert.DoesNotContain("false", element.ToXml());
        }
    }

    [Theory]
    [InlineData("kex='true'", true)]
    [InlineData("kex='1'", true)]
    [InlineData("kex='false'", false)]
    [InlineData("kex='0'", false)]
    [InlineData("kex=' true '", true)]
    [InlineData("kex='&#10;0&#9;'", false)]
    [InlineData("", false)]
    public void Parse_ReadsKexAsXsBoolean(string attribute, bool expected)
    {
        var parsed = EncryptedElement.Parse(Doc($"<header sid='1'><keys jid='a@b'>{Key("rid='2' " + attribute)}</keys></header>"));
        Assert.Equal(expected, Assert.Single(parsed.Keys).IsKeyExchange);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("TRUE")]
    [InlineData("True")]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("t")]
    public void Parse_RejectsNonBooleanKex(string value)
        => Malformed(() => EncryptedElement.Parse(Doc($"<header sid='1'><keys jid='a@b'>{Key($"rid='2' kex='{value}'")}</keys></header>")));

    [Fact]
    public void Parse_AcceptsTheXepListing_WithPrefixesWhitespaceAndAnyChildOrder()
    {
        var xml = $"""
            <o:encrypted xmlns:o='{Ns}'>
              <o:payload>
                AAEC
                AwQF
              </o:payload>
              <o:header sid='+027183'>
                <o:keys jid='juliet@capulet.lit'>
                  <o:key rid='31415'>{K}</o:key>
                </o:keys>
                <!-- comment -->
                <o:keys jid='romeo@montague.lit'>
                  <o:key rid='1337'> {K}
                  </o:key>
                  <o:key kex='true' rid='12321'><![CDATA[AQ]]>ID</o:key>
                </o:keys>
              </o:header>
            </o:encrypted>
            """;
        var parsed = EncryptedElement.Parse(xml);
        Assert.Equal(27183u, parsed.SenderDeviceId);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 5 }, parsed.Payload);
        Assert.Equal(3, parsed.Keys.Count);
        Assert.Equal(new byte[] { 1, 2, 3 }, parsed.FindKey("romeo@montague.lit", 1337)!.Data);
        Assert.True(parsed.FindKey("romeo@montague.lit", 12321)!.IsKeyExchange);
        Assert.Equal(new byte[] { 1, 2, 3 }, parsed.FindKey("romeo@montague.lit", 12321)!.Data);
        Assert.Null(parsed.FindKey("juliet@capulet.lit", 1337));
        Assert.Null(parsed.FindKey("JULIET@capulet.lit", 31415));
    }

    [Fact]
    public void Parse_AcceptsAnElementFromAStanza()
    {
        var stanza = XElement.Parse($"<message xmlns='jabber:client' to='juliet@capulet.lit'>{new EncryptedElement(5, [new("a@b", 6, [1], false)], null).ToXml()}</message>");
        var parsed = EncryptedElement.Parse(stanza.Element(XName.Get("encrypted", Ns))!);
        Assert.Equal(5u, parsed.SenderDeviceId);
        Assert.True(parsed.IsEmpty);
    }

    [Theory]
    // structure
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><payload>AQID</payload></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>AQID</key></keys></header><header sid='1'><keys jid='a'><key rid='3'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>AQID</key></keys></header><payload>AQID</payload><payload>AQID</payload></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'/></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'/></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>AQID</key></keys></header><body>x</body></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>AQID</key><extra/></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'>text<keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'>junk<header sid='1'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>AQ<b/>ID</key></keys></header></encrypted>")]
    // namespaces
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted><header sid='1'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:1'><header sid='1'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1' xmlns='urn:other'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2' xmlns:x='urn:other'><header sid='1'><keys jid='a'><x:key rid='2'>AQID</x:key></keys></header></encrypted>")]
    [InlineData("<payload xmlns='urn:xmpp:omemo:2'>AQID</payload>")]
    // ids
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='0'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='2147483648'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='4294967296'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='99999999999999999999'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='-1'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='-0'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='0x10'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1e3'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid=''><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='٣'><keys jid='a'><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='0'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>AQID</key><key rid='02'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>AQID</key></keys><keys jid='a'><key rid='2'>BQID</key></keys></header></encrypted>")]
    // jids
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid=''><key rid='2'>AQID</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid=' '><key rid='2'>AQID</key></keys></header></encrypted>")]
    // base64
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'></key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'/></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'> \n\t </key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>AQI</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>AQ==AQ==</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>-_-_</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>AR==</key></keys></header></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>AQID</key></keys></header><payload/></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>AQID</key></keys></header><payload>  </payload></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='2'>AQID</key></keys></header><payload>AQID!</payload></encrypted>")]
    public void Parse_RejectsMalformedElements(string xml) => Malformed(() => EncryptedElement.Parse(xml));

    [Fact]
    public void Parse_BoundsTheNumberOfKeys()
    {
        string Keys(int n) => string.Concat(Enumerable.Range(1, n).Select(i => $"<key rid='{i}'>AQ==</key>"));
        Assert.Equal(XmlLimits.MaxKeys, EncryptedElement.Parse(Doc($"<header sid='1'><keys jid='a'>{Keys(XmlLimits.MaxKeys)}</keys></header>")).Keys.Count);
        var e = Malformed(() => EncryptedElement.Parse(Doc($"<header sid='1'><keys jid='a'>{Keys(XmlLimits.MaxKeys + 1)}</keys></header>")));
        Assert.Contains("10000", e.Message);
    }

    [Fact]
    public void Parse_AcceptsTheIdBounds()
    {
        var parsed = EncryptedElement.Parse(Doc($"<header sid='2147483647'><keys jid='a'>{Key("rid='1'")}</keys></header>"));
        Assert.Equal(2147483647u, parsed.SenderDeviceId);
        Assert.Equal(1u, parsed.Keys[0].DeviceId);
    }

    [Fact]
    public void ToXml_RejectsInvalidContent()
    {
        EncryptedKey good = new("a@b", 2, [1], false);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EncryptedElement(0, [good], null).ToXml());
        Assert.Throws<ArgumentOutOfRangeException>(() => new EncryptedElement(1u << 31, [good], null).ToXml());
        Assert.Throws<ArgumentException>(() => new EncryptedElement(1, [], null).ToXml());
        Assert.Throws<ArgumentOutOfRangeException>(() => new EncryptedElement(1, [good with { DeviceId = 0 }], null).ToXml());
        Assert.Throws<ArgumentException>(() => new EncryptedElement(1, [good with { Data = [] }], null).ToXml());
        Assert.Throws<ArgumentException>(() => new EncryptedElement(1, [good with { Jid = "" }], null).ToXml());
        Assert.Throws<ArgumentException>(() => new EncryptedElement(1, [good with { Jid = "a\0b" }], null).ToXml());
        Assert.Throws<ArgumentException>(() => new EncryptedElement(1, [good, good with { Data = [2] }], null).ToXml());
        Assert.Throws<ArgumentException>(() => new EncryptedElement(1, [good], []).ToXml());
    }
}
