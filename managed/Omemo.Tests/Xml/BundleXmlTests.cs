using System.Xml.Linq;
using Omemo.X3dh;
using Omemo.Xml;
using static Omemo.Tests.Xml.XmlTestData;

namespace Omemo.Tests.Xml;

public class BundleXmlTests
{
    private const string Ns = "urn:xmpp:omemo:2";
    private static readonly string Key32 = Convert.ToBase64String(new byte[32]);
    private static readonly string Sig64 = Convert.ToBase64String(new byte[64]);

    private static string Doc(string spk = "<spk id='1'>{K}</spk>", string spks = "<spks>{S}</spks>", string ik = "<ik>{K}</ik>",
        string prekeys = "<prekeys><pk id='1'>{K}</pk></prekeys>")
        => $"<bundle xmlns='{Ns}'>{spk}{spks}{ik}{prekeys}</bundle>".Replace("{K}", Key32).Replace("{S}", Sig64);

    [Fact]
    public void RoundTrip_KeepsKeysIdsAndAValidSignature()
    {
        var rng = new Random(5);
        foreach (int count in new[] { 1, 25, 100, XmlLimits.MaxPreKeys })
        {
            var bundle = SignedBundle(rng, count);
            Assert.True(bundle.HasValidSignature());
            var parsed = BundleXml.Parse(BundleXml.ToXml(bundle));
            AssertSame(bundle, parsed);
            Assert.True(parsed.HasValidSignature());
        }
    }

    [Fact]
    public void ToXml_HasTheXepShape()
    {
        var bundle = new Bundle(new byte[32], 7, Enumerable.Repeat((byte)1, 32).ToArray(), new byte[64],
            [new PreKeyPublic(3, new byte[32]), new PreKeyPublic(1, new byte[32])]);
        var xml = XElement.Parse(BundleXml.ToXml(bundle));
        Assert.Equal(XName.Get("bundle", Ns), xml.Name);
        Assert.Equal(["spk", "spks", "ik", "prekeys"], xml.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("7", xml.Element(XName.Get("spk", Ns))!.Attribute("id")!.Value);
        Assert.Equal(Convert.ToBase64String(bundle.SignedPreKey), xml.Element(XName.Get("spk", Ns))!.Value);
        Assert.Equal(["3", "1"], xml.Descendants(XName.Get("pk", Ns)).Select(e => e.Attribute("id")!.Value));
    }

    [Fact]
    public void Parse_AcceptsAnyChildOrderPrefixesAndWrappedBase64()
    {
        var rng = new Random(9);
        var bundle = SignedBundle(rng, 3);
        string B(byte[] b) => Convert.ToBase64String(b, Base64FormattingOptions.None).Insert(20, "\n   ");
        var xml = $"""
            <b:bundle xmlns:b='{Ns}'>
              <b:prekeys>
                {string.Concat(bundle.PreKeys.Select(p => $"<b:pk id='{p.Id}'>{B(p.PublicKey)}</b:pk>"))}
              </b:prekeys>
              <b:ik>{B(bundle.IdentityKey)}</b:ik>
              <b:spks>{B(bundle.SignedPreKeySignature)}</b:spks>
              <b:spk id=' {bundle.SignedPreKeyId} '>{B(bundle.SignedPreKey)}</b:spk>
            </b:bundle>
            """;
        AssertSame(bundle, BundleXml.Parse(xml));
    }

    [Fact]
    public void Parse_AllowsAnSpkAndAPkToShareAnId() // XEP-0384 5.3.2: they are separate id spaces
        => Assert.Equal(1u, BundleXml.Parse(Doc()).PreKeys[0].Id);

    public static TheoryData<string> Malformed_ => new()
    {
        Doc(spk: ""), Doc(spks: ""), Doc(ik: ""), Doc(prekeys: ""),
        Doc(spk: "<spk id='1'>{K}</spk><spk id='2'>{K}</spk>"),
        Doc(ik: "<ik>{K}</ik><ik>{K}</ik>"),
        Doc(prekeys: "<prekeys><pk id='1'>{K}</pk></prekeys><prekeys><pk id='2'>{K}</pk></prekeys>"),
        Doc(prekeys: "<prekeys/>"),
        Doc(prekeys: "<prekeys><pk id='1'>{K}</pk><pk id='1'>{K}</pk></prekeys>"),
        Doc(prekeys: "<prekeys><pk id='1'>{K}</pk><pk id='001'>{K}</pk></prekeys>"),
        Doc(prekeys: "<prekeys><pk>{K}</pk></prekeys>"),
        Doc(prekeys: "<prekeys><pk id='0'>{K}</pk></prekeys>"),         // the XEP's listing uses 0, its text says 1..2^31-1
        Doc(prekeys: "<prekeys><pk id='2147483648'>{K}</pk></prekeys>"),
        Doc(prekeys: "<prekeys><pk id='1'>{K}</pk><spk id='2'>{K}</spk></prekeys>"),
        Doc(prekeys: "<prekeys><pk id='1'>AAAA</pk></prekeys>"),
        Doc(prekeys: "<prekeys><pk id='1'></pk></prekeys>"),
        Doc(spk: "<spk>{K}</spk>"), Doc(spk: "<spk id='0'>{K}</spk>"), Doc(spk: "<spk id='x'>{K}</spk>"),
        Doc(spk: $"<spk id='1'>{Convert.ToBase64String(new byte[31])}</spk>"),
        Doc(spk: $"<spk id='1'>{Convert.ToBase64String(new byte[33])}</spk>"),
        Doc(ik: $"<ik>{Convert.ToBase64String(new byte[33])}</ik>"),
        Doc(ik: "<ik>   </ik>"), Doc(ik: "<ik>{K}!</ik>"),
        Doc(spks: $"<spks>{Convert.ToBase64String(new byte[63])}</spks>"),
        Doc(spks: $"<spks>{Convert.ToBase64String(new byte[65])}</spks>"),
        Doc(spks: "<spks>{K}</spks>"),
        Doc(ik: "<ik>{K}</ik><label>x</label>"),
        Doc(ik: "<ik xmlns='urn:other'>{K}</ik>"),
        Doc(ik: "<ik>{K}<x/></ik>"),
        Doc().Replace("urn:xmpp:omemo:2", "eu.siacs.conversations.axolotl"),
        Doc().Replace("bundle", "bundles"),
    };

    [Theory]
    [MemberData(nameof(Malformed_))]
    public void Parse_RejectsMalformedBundles(string xml) => Malformed(() => BundleXml.Parse(xml));

    [Fact]
    public void Parse_BoundsThePreKeyCount()
    {
        string Pks(int n) => string.Concat(Enumerable.Range(1, n).Select(i => $"<pk id='{i}'>{{K}}</pk>"));
        Assert.Equal(XmlLimits.MaxPreKeys, BundleXml.Parse(Doc(prekeys: $"<prekeys>{Pks(XmlLimits.MaxPreKeys)}</prekeys>")).PreKeys.Count);
        Malformed(() => BundleXml.Parse(Doc(prekeys: $"<prekeys>{Pks(XmlLimits.MaxPreKeys + 1)}</prekeys>")));
    }

    [Fact]
    public void ToXml_RejectsInvalidBundles()
    {
        var good = SignedBundle(new Random(1), 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => BundleXml.ToXml(good with { SignedPreKeyId = 0 }));
        Assert.Throws<ArgumentException>(() => BundleXml.ToXml(good with { IdentityKey = new byte[31] }));
        Assert.Throws<ArgumentException>(() => BundleXml.ToXml(good with { SignedPreKey = new byte[33] }));
        Assert.Throws<ArgumentException>(() => BundleXml.ToXml(good with { SignedPreKeySignature = new byte[32] }));
        Assert.Throws<ArgumentException>(() => BundleXml.ToXml(good with { PreKeys = [] }));
        Assert.Throws<ArgumentException>(() => BundleXml.ToXml(good with { PreKeys = [new(1, new byte[32]), new(1, new byte[32])] }));
        Assert.Throws<ArgumentException>(() => BundleXml.ToXml(good with { PreKeys = [new(1, new byte[16])] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BundleXml.ToXml(good with { PreKeys = [new(0, new byte[32])] }));
    }
}
