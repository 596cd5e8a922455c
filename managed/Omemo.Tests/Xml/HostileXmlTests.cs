using System.Diagnostics;
using System.Text;
using Omemo.Errors;
using Omemo.Xml;
using Xunit.Abstractions;
using static Omemo.Tests.Xml.XmlTestData;

namespace Omemo.Tests.Xml;

/// <summary>Attacks that target the XML layer itself, run against every parser.</summary>
public class HostileXmlTests(ITestOutputHelper output)
{
    public static TheoryData<string> Parsers => new() { "encrypted", "bundle", "devices", "envelope" };

    private static void Parse(string parser, string xml)
    {
        switch (parser)
        {
            case "encrypted": EncryptedElement.Parse(xml); break;
            case "bundle": BundleXml.Parse(xml); break;
            case "devices": DeviceListXml.Parse(xml); break;
            default: SceEnvelope.Parse(xml); break;
        }
    }

    private static string Valid(string parser, Random rng) => parser switch
    {
        "encrypted" => Element(rng).ToXml(),
        "bundle" => BundleXml.ToXml(SignedBundle(rng, 5)),
        "devices" => DeviceListXml.ToXml([new DeviceEntry(1), DeviceEntry.CreateSigned(2, "label", Bytes(rng, 32))]),
        _ => SceEnvelope.Build(new SceEnvelopeContent([SceEnvelope.CreateBody("hello <world>")], DateTimeOffset.UtcNow, "a@b", "c@d")),
    };

    private static string Root(string parser) => parser switch
    {
        "encrypted" => "<encrypted xmlns='urn:xmpp:omemo:2'>",
        "bundle" => "<bundle xmlns='urn:xmpp:omemo:2'>",
        "devices" => "<devices xmlns='urn:xmpp:omemo:2'>",
        _ => "<envelope xmlns='urn:xmpp:sce:1'>",
    };

    private static string Close(string parser) => "</" + Root(parser)[1..Root(parser).IndexOf(' ')] + ">";

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Dtds_AreRefused_EvenWithoutEntities(string parser)
    {
        string root = Root(parser), name = root[1..root.IndexOf(' ')];
        // Billion laughs: must fail fast, not expand.
        var laughs = new StringBuilder("<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>");
        laughs.Append("<!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>");
        for (int i = 2; i <= 9; i++)
            laughs.Append($"<!ENTITY lol{i} '{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}'>");
        laughs.Append($"]>{root}&lol9;{Close(parser)}");
        var watch = Stopwatch.StartNew();
        Malformed(() => Parse(parser, laughs.ToString()));
        Assert.True(watch.ElapsedMilliseconds < 2000, $"took {watch.ElapsedMilliseconds} ms");

        // External entity (XXE) and external DTD: never fetched.
        Malformed(() => Parse(parser, $"<!DOCTYPE {name} [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>{root}&xxe;{Close(parser)}"));
        Malformed(() => Parse(parser, $"<!DOCTYPE {name} SYSTEM 'http://127.0.0.1:1/omemo.dtd'>{root}{Close(parser)}"));
        Malformed(() => Parse(parser, $"<!DOCTYPE {name}>{root}{Close(parser)}"));
        // An undeclared entity.
        Malformed(() => Parse(parser, $"{root}&unknown;{Close(parser)}"));
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void OversizeDocuments_AreRefusedBeforeParsing(string parser)
    {
        var huge = Root(parser) + new string(' ', XmlLimits.MaxDocumentCharacters) + Close(parser);
        var watch = Stopwatch.StartNew();
        var e = Malformed(() => Parse(parser, huge));
        Assert.Contains("larger than", e.Message);
        Assert.True(watch.ElapsedMilliseconds < 1000);
        // Over the element budget while within the size bound.
        var many = Root(parser) + string.Concat(Enumerable.Repeat("<x/>", XmlLimits.MaxElements + 1)) + Close(parser);
        Assert.True(many.Length < XmlLimits.MaxDocumentCharacters);
        Malformed(() => Parse(parser, many));
    }

    [Fact]
    public void QuadraticTreeBuilding_IsAvoided()
    {
        // 100k attributes on one element: LINQ to XML checks each new attribute against the others.
        var attributes = "<envelope xmlns='urn:xmpp:sce:1'><content><x " +
            string.Concat(Enumerable.Range(0, 100_000).Select(i => $"a{i}=''")) + "/></content></envelope>";
        Assert.True(attributes.Length < XmlLimits.MaxDocumentCharacters);
        var watch = Stopwatch.StartNew();
        Malformed(() => SceEnvelope.Parse(attributes));
        Assert.True(watch.ElapsedMilliseconds < 2000, $"attributes took {watch.ElapsedMilliseconds} ms");
        var namespaces = "<envelope xmlns='urn:xmpp:sce:1'><content><x " +
            string.Concat(Enumerable.Range(0, 30_000).Select(i => $"xmlns:p{i}='u{i}' ")) + "/></content></envelope>";
        Malformed(() => SceEnvelope.Parse(namespaces));
        SceEnvelope.Parse("<envelope xmlns='urn:xmpp:sce:1'><content><x " +
            string.Concat(Enumerable.Range(0, XmlLimits.MaxAttributes).Select(i => $"a{i}='' ")) + "/></content></envelope>");

        // 60k text/CDATA alternations in one body: appending each to the previous text node would copy megabytes each time.
        var pieces = string.Concat(Enumerable.Repeat("ab<![CDATA[cd]]>", 60_000));
        watch.Restart();
        var body = SceEnvelope.Parse($"<envelope xmlns='urn:xmpp:sce:1'><content><body xmlns='jabber:client'>{pieces}</body></content></envelope>").Body;
        Assert.True(watch.ElapsedMilliseconds < 2000, $"text took {watch.ElapsedMilliseconds} ms");
        Assert.Equal(string.Concat(Enumerable.Repeat("abcd", 60_000)), body);
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void BrokenXml_IsMalformed(string parser)
    {
        foreach (var xml in new[]
        {
            "", " ", "not xml", "<", "<a", "<a></b>", Root(parser), Root(parser) + Close(parser) + "<second/>",
            Root(parser) + "\u0001" + Close(parser), Root(parser) + "&#1;" + Close(parser), Root(parser) + "&#xD800;" + Close(parser),
            "<?xml version='1.0' encoding='UTF-8'?>", "<?xml version='2.0'?>" + Root(parser) + Close(parser),
            "<p:encrypted xmlns:p='urn:xmpp:omemo:2'></q:encrypted>", "<x:a/>", "<a b='1' b='2'/>", "<a xmlns:p='urn:u' xmlns:q='urn:u' p:x='1' q:x='2'/>",
            Root(parser).Replace(">", " a='1' a='2'>") + Close(parser),
        })
            Malformed(() => Parse(parser, xml));
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void MutatedDocuments_OnlyEverThrowMalformedMessage(string parser)
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        const string alphabet = "<>/='\"&;#x: abAZ09+=-\n\t!?[]\u00e9\U0001F600\0";
        int accepted = 0;
        var originals = Enumerable.Range(0, 10).Select(_ => Valid(parser, rng)).ToArray();
        for (int i = 0; i < 1500; i++)
        {
            var chars = new StringBuilder(originals[i % originals.Length]);
            for (int m = rng.Next(1, 4); m > 0; m--)
            {
                int at = rng.Next(chars.Length);
                switch (rng.Next(4))
                {
                    case 0: chars.Remove(at, Math.Min(rng.Next(1, 8), chars.Length - at)); break;
                    case 1: chars.Insert(at, alphabet[rng.Next(alphabet.Length)]); break;
                    case 2: chars[at] = alphabet[rng.Next(alphabet.Length)]; break;
                    default: var cut = chars.ToString(at, Math.Min(rng.Next(1, 40), chars.Length - at)); chars.Insert(rng.Next(chars.Length), cut); break;
                }
            }
            var xml = chars.ToString();
            var e = Record.Exception(() => Parse(parser, xml));
            if (e is null) accepted++;
            else Assert.True(e is MalformedMessageException, $"{e.GetType()} for: {xml}");
        }
        output.WriteLine($"{accepted} of 1500 mutants still parsed");
    }

    [Fact]
    public void ErrorMessages_DoNotQuoteTheInput()
    {
        const string secret = "TOPSECRETPLAINTEXT";
        foreach (var xml in new[]
        {
            $"<envelope xmlns='urn:xmpp:sce:1'><content><body xmlns='jabber:client'>{secret}</body><{secret}</content></envelope>",
            $"<envelope xmlns='urn:xmpp:sce:1'><content>{secret}</content></envelope>",
            $"<envelope xmlns='urn:xmpp:sce:1'><content/><time stamp='{secret}'/></envelope>",
            $"<{secret} xmlns='urn:xmpp:sce:1'/>",
        })
        {
            var e = Malformed(() => SceEnvelope.Parse(xml));
            Assert.DoesNotContain(secret, e.ToString());
        }
    }

    [Fact]
    public void Base64_IsStrict()
    {
        string Doc(string b64) => $"<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='a'><key rid='1'>{b64}</key></keys></header></encrypted>";
        byte[] Read(string b64) => EncryptedElement.Parse(Doc(b64)).Keys[0].Data;

        Assert.Equal("abc"u8.ToArray(), Read("YWJj"));
        Assert.Equal("ab"u8.ToArray(), Read("YWI="));
        Assert.Equal("a"u8.ToArray(), Read("YQ=="));
        Assert.Equal("abcdef"u8.ToArray(), Read("\n  YWJj\n  ZGVm\n"));   // line-wrapped, as xs:base64Binary allows
        Assert.Equal("abcdef"u8.ToArray(), Read("YW Jj ZG Vm"));
        Assert.Equal(new byte[] { 0xfb, 0xff }, Read("+/8="));
        foreach (var bad in new[] { "", " ", "\n\t\r ", "YWJ", "YWJjZ", "YQ", "YQ=", "YQ===", "====", "Y===", "YWI=YWI=", "=YWI",
                     "YR==", "YWJ=", "YWJk=", "-_8=", "YWJj!", "YW\u00e9j", "YWJj\u3000", "YWJj\u00a0", "\u0660\u0661\u0662\u0663" })
            Malformed(() => Read(bad));
    }
}
