using System.Text;
using System.Xml.Linq;
using Omemo.Xml;
using Omemo.Xml.Legacy;
using static Omemo.Tests.Xml.XmlTestData;
using static Omemo.Tests.Xml.Legacy.LegacyXmlTestData;

namespace Omemo.Tests.Xml.Legacy;

public class LegacyEncryptedElementTests
{
    [Fact]
    public void RoundTrip_PreservesEveryField()
    {
        var rng = new Random(1);
        for (int i = 0; i < 50; i++)
        {
            var element = RandomElement(rng, empty: i % 5 == 0);
            var parsed = LegacyEncryptedElement.Parse(element.ToXml());
            AssertSame(element, parsed);
            Assert.Equal(element.IsEmpty, parsed.IsEmpty);
            Assert.Equal(element.ToXml(), parsed.ToXml());
        }
    }

    [Fact]
    public void ToXml_HasTheLegacyShape_KeysThenIv()
    {
        var element = new LegacyEncryptedElement(7, [new(2, [1, 2, 3], true), new(3, [4], false)], new byte[12], [9, 9]);
        Assert.Equal(
            $"<encrypted xmlns=\"{Ns}\"><header sid=\"7\"><key rid=\"2\" prekey=\"true\">AQID</key><key rid=\"3\">BA==</key>"
            + "<iv>AAAAAAAAAAAAAAAA</iv></header><payload>CQk=</payload></encrypted>",
            element.ToXml());
        var empty = element with { Payload = null };
        Assert.DoesNotContain("payload", empty.ToXml());
        Assert.True(LegacyEncryptedElement.Parse(empty.ToXml()).IsEmpty);
    }

    [Fact]
    public void FindKey_MatchesByDeviceIdAlone()
    {
        var element = new LegacyEncryptedElement(7, [new(2, [1], true), new(3, [4], false)], new byte[12], null);
        Assert.Equal([4], element.FindKey(3)!.Data);
        Assert.Null(element.FindKey(4));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData(" true ", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    public void Parse_ReadsPrekeyAsXsBoolean(string value, bool expected)
    {
        var xml = $"<encrypted xmlns='{Ns}'><header sid='1'><key rid='2' prekey='{value}'>AQID</key><iv>AAAAAAAAAAAAAAAA</iv></header></encrypted>";
        Assert.Equal(expected, LegacyEncryptedElement.Parse(xml).Keys[0].IsPreKey);
    }

    [Fact]
    public void Parse_AcceptsAnyHeaderOrder_Prefixes_Whitespace_And16ByteIvs()
    {
        var xml = $"""
            <a:encrypted xmlns:a='{Ns}'>
              <a:payload>CQk=</a:payload>
              <a:header sid='+0042'>
                <a:iv>AAAAAAAAAAAAAAAAAAAAAA==</a:iv>
                <a:key rid='5'>
                  AQID
                </a:key>
              </a:header>
            </a:encrypted>
            """;
        var element = LegacyEncryptedElement.Parse(xml);
        Assert.Equal(42u, element.SenderDeviceId);
        Assert.Equal(16, element.Iv.Length);
        Assert.Equal([1, 2, 3], element.FindKey(5)!.Data);
        Assert.Equal([9, 9], element.Payload);
        // A 16-byte IV is written back as is.
        Assert.Equal(16, LegacyEncryptedElement.Parse(element.ToXml()).Iv.Length);
    }

    [Fact]
    public void Parse_AcceptsAnElementFromAStanza()
    {
        var element = RandomElement(new Random(2));
        var stanza = new XElement("message", new XAttribute("to", "romeo@montague.lit"), element.ToXElement());
        AssertSame(element, LegacyEncryptedElement.Parse(stanza.Elements().Single()));
    }

    private const string Iv = "<iv>AAAAAAAAAAAAAAAA</iv>";

    [Theory]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'/>")]   // no header
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>AQID</key></header></encrypted>")]   // no iv
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>AQID</key>" + Iv + Iv + "</header></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>AQID</key><iv>AAAAAAAAAAA=</iv></header></encrypted>")]   // 8-byte iv
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>AQID</key><iv>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</iv></header></encrypted>")]   // 32-byte iv
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>AQID</key><iv></iv></header></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'>" + Iv + "</header></encrypted>")]   // no key
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>AQID</key><key rid='2'>BA==</key>" + Iv + "</header></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>AQI</key>" + Iv + "</header></encrypted>")]   // bad base64
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>AQJ=</key>" + Iv + "</header></encrypted>")]   // non-zero padding bits
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'></key>" + Iv + "</header></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2' prekey='yes'>AQID</key>" + Iv + "</header></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header><key rid='2'>AQID</key>" + Iv + "</header></encrypted>")]   // no sid
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='0'><key rid='2'>AQID</key>" + Iv + "</header></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2147483648'>AQID</key>" + Iv + "</header></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key>AQID</key>" + Iv + "</header></encrypted>")]   // no rid
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><keys jid='a@b'><key rid='2'>AQID</key></keys>" + Iv + "</header></encrypted>")]   // OMEMO 2 grouping
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'><b/></key>" + Iv + "</header></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'>text<key rid='2'>AQID</key>" + Iv + "</header></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>AQID</key>" + Iv + "</header><payload/></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>AQID</key>" + Iv + "</header><payload>AQ==</payload><payload>AQ==</payload></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>AQID</key>" + Iv + "</header><header sid='1'><key rid='2'>AQID</key>" + Iv + "</header></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>AQID</key>" + Iv + "</header><extra/></encrypted>")]
    [InlineData("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><key rid='2'>AQID</key>" + Iv + "</header></encrypted>")]   // OMEMO 2 namespace
    [InlineData("<encrypted><header sid='1'><key rid='2'>AQID</key>" + Iv + "</header></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key xmlns='other' rid='2'>AQID</key>" + Iv + "</header></encrypted>")]
    [InlineData("<!DOCTYPE encrypted [<!ENTITY x 'AQID'>]><encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>&x;</key>" + Iv + "</header></encrypted>")]
    [InlineData("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>AQID</key>" + Iv + "</header>")]   // not well-formed
    [InlineData("")]
    public void Parse_RejectsMalformedElements(string xml) => Malformed(() => LegacyEncryptedElement.Parse(xml));

    [Fact]
    public void Parse_RejectsOversizeDocuments_AndBoundsTheNumberOfKeys()
    {
        var big = new StringBuilder($"<encrypted xmlns='{Ns}'><header sid='1'><key rid='2'>");
        big.Append('A', XmlLimits.MaxDocumentCharacters).Append($"</key>{Iv}</header></encrypted>");
        Malformed(() => LegacyEncryptedElement.Parse(big.ToString()));

        var many = new StringBuilder($"<encrypted xmlns='{Ns}'><header sid='1'>");
        for (int i = 1; i <= XmlLimits.MaxKeys + 1; i++) many.Append($"<key rid='{i}'>AQ==</key>");
        many.Append($"{Iv}</header></encrypted>");
        Assert.Contains("more than", Malformed(() => LegacyEncryptedElement.Parse(many.ToString())).Message);
    }

    [Fact]
    public void ToXml_RejectsInvalidContent()
    {
        var rng = new Random(3);
        var ok = RandomElement(rng);
        Assert.Throws<ArgumentOutOfRangeException>(() => (ok with { SenderDeviceId = 0 }).ToXml());
        Assert.Throws<ArgumentException>(() => (ok with { Keys = [] }).ToXml());
        Assert.Throws<ArgumentException>(() => (ok with { Iv = new byte[8] }).ToXml());
        Assert.Throws<ArgumentNullException>(() => (ok with { Iv = null! }).ToXml());
        Assert.Throws<ArgumentException>(() => (ok with { Payload = [] }).ToXml());
        Assert.Throws<ArgumentException>(() => (ok with { Keys = [new(2, [1], false), new(2, [2], true)] }).ToXml());
        Assert.Throws<ArgumentException>(() => (ok with { Keys = [new(2, [], false)] }).ToXml());
        Assert.Throws<ArgumentOutOfRangeException>(() => (ok with { Keys = [new(XmlLimits.MaxId + 1, [1], false)] }).ToXml());
    }

    [Fact]
    public void PrekeyAttribute_IsWrittenOnlyWhenTrue()
    {
        var xml = new LegacyEncryptedElement(1, [new(2, [1], false), new(3, [1], true)], new byte[12], null).ToXml();
        Assert.Equal(1, xml.Split("prekey=").Length - 1);
        Assert.DoesNotContain("false", xml);
    }
}
