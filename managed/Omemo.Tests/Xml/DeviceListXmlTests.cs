using System.Xml.Linq;
using Omemo.Crypto;
using Omemo.X3dh;
using Omemo.Xml;
using static Omemo.Tests.Xml.XmlTestData;

namespace Omemo.Tests.Xml;

public class DeviceListXmlTests
{
    private const string Ns = "urn:xmpp:omemo:2";

    private static (byte[] Seed, byte[] Public) Identity(Random rng)
    {
        var seed = Bytes(rng, 32);
        var pub = new byte[32];
        Ed25519.DerivePublicKey(seed, pub);
        return (seed, pub);
    }

    [Fact]
    public void RoundTrip_KeepsIdsLabelsAndSignatures()
    {
        var rng = new Random(4223);
        var (seed, pub) = Identity(rng);
        var labels = new[] { "Gajim_on_Ubuntu_Linux", "Téléphone ☎ 📱", "tab\there\nnewline\r\n  spaces  ", "<&>'\"", "" };
        var devices = new List<DeviceEntry> { new(12345) };
        devices.AddRange(labels.Select(l => DeviceEntry.CreateSigned(DeviceId(rng), l, seed)));
        var parsed = DeviceListXml.Parse(DeviceListXml.ToXml(devices));
        Assert.Equal(devices.Count, parsed.Count);
        for (int i = 0; i < devices.Count; i++)
        {
            Assert.Equal(devices[i].Id, parsed[i].Id);
            Assert.Equal(devices[i].Label, parsed[i].Label);
            Assert.Equal(devices[i].LabelSignature, parsed[i].LabelSignature);
            Assert.Equal(devices[i].Label, parsed[i].GetVerifiedLabel(pub));
        }
    }

    [Fact]
    public void ToXml_HasTheXepShape()
    {
        var sig = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        var xml = DeviceListXml.ToXml([new DeviceEntry(12345), new DeviceEntry(4223, "Gajim", sig)]);
        Assert.Equal($"<devices xmlns=\"{Ns}\"><device id=\"12345\" /><device id=\"4223\" label=\"Gajim\" labelsig=\"{Convert.ToBase64String(sig)}\" /></devices>", xml);
        Assert.Equal($"<devices xmlns=\"{Ns}\" />", DeviceListXml.ToXml([]));
        Assert.Empty(DeviceListXml.Parse(DeviceListXml.ToXml([])));
    }

    [Fact]
    public void VerifiedLabel_RequiresAValidSignatureByTheDevicesIdentityKey()
    {
        var rng = new Random(31415);
        var (seed, pub) = Identity(rng);
        var (_, otherPub) = Identity(rng);
        var entry = DeviceEntry.CreateSigned(31415, "Conversations_on_Pixel_3", seed);
        Assert.Equal("Conversations_on_Pixel_3", entry.GetVerifiedLabel(pub));
        Assert.Null(entry.GetVerifiedLabel(otherPub));                                  // someone else's key
        Assert.Null((entry with { Label = "Conversations_on_Pixel_4" }).GetVerifiedLabel(pub)); // replaced label
        Assert.Null((entry with { LabelSignature = null }).GetVerifiedLabel(pub));      // no labelsig: label ignored
        Assert.Null(new DeviceEntry(1, "unsigned").GetVerifiedLabel(pub));
        Assert.Null(new DeviceEntry(1).GetVerifiedLabel(pub));
        var flipped = (byte[])entry.LabelSignature!.Clone();
        flipped[5] ^= 1;
        Assert.Null((entry with { LabelSignature = flipped }).GetVerifiedLabel(pub));
        Assert.Null(entry.GetVerifiedLabel(new byte[31]));
        Assert.Null(new DeviceEntry(1, "\ud800", new byte[64]).GetVerifiedLabel(pub)); // no UTF-8 form

        // The signature is Ed25519 over exactly the UTF-8 bytes of the label.
        var manual = new byte[64];
        Ed25519.Sign(seed, "Conversations_on_Pixel_3"u8, manual);
        Assert.Equal(manual, entry.LabelSignature);
    }

    [Fact]
    public void SignLabel_WithAnIdentityKeyPair_MatchesTheSeed()
    {
        using var identity = IdentityKeyPair.Generate();
        var seed = new byte[32];
        identity.CopySeedTo(seed);
        var entry = DeviceEntry.CreateSigned(7, "Dino_on_Lenovo_Thinkpad_T495", identity);
        Assert.Equal(DeviceEntry.SignLabel("Dino_on_Lenovo_Thinkpad_T495", seed), entry.LabelSignature);
        var parsed = Assert.Single(DeviceListXml.Parse(DeviceListXml.ToXml([entry])));
        Assert.Equal("Dino_on_Lenovo_Thinkpad_T495", parsed.GetVerifiedLabel(identity.PublicKey));
    }

    [Fact]
    public void Parse_KeepsUnsignedOrBadlySignedLabelsButNeverVerifiesThem()
    {
        var rng = new Random(2);
        var (seed, pub) = Identity(rng);
        var good = Convert.ToBase64String(DeviceEntry.SignLabel("L", seed));
        var xml = $"""
            <devices xmlns='{Ns}'>
              <device id='1' label='L'/>
              <device id='2' label='L' labelsig='not base64!'/>
              <device id='3' label='L' labelsig='{Convert.ToBase64String(new byte[63])}'/>
              <device id='4' label='L' labelsig=''/>
              <device id='5' label='L' labelsig='{good}'/>
              <device id='6' labelsig='{good}'/>
              <device id='7' label='L' labelsig='{good.Insert(10, " ")}'/>
            </devices>
            """;
        var parsed = DeviceListXml.Parse(xml);
        Assert.Equal([1u, 2, 3, 4, 5, 6, 7], parsed.Select(d => d.Id));
        Assert.All(parsed.Take(4), d => { Assert.Equal("L", d.Label); Assert.Null(d.LabelSignature); Assert.Null(d.GetVerifiedLabel(pub)); });
        Assert.Equal("L", parsed[4].GetVerifiedLabel(pub));
        Assert.Null(parsed[5].GetVerifiedLabel(pub));
        Assert.Equal("L", parsed[6].GetVerifiedLabel(pub));
    }

    [Theory]
    [InlineData("<devices xmlns='urn:xmpp:omemo:2'><device/></devices>")]
    [InlineData("<devices xmlns='urn:xmpp:omemo:2'><device id='0'/></devices>")]
    [InlineData("<devices xmlns='urn:xmpp:omemo:2'><device id='2147483648'/></devices>")]
    [InlineData("<devices xmlns='urn:xmpp:omemo:2'><device id='-5'/></devices>")]
    [InlineData("<devices xmlns='urn:xmpp:omemo:2'><device id='five'/></devices>")]
    [InlineData("<devices xmlns='urn:xmpp:omemo:2'><device id='5'/><device id='5'/></devices>")]
    [InlineData("<devices xmlns='urn:xmpp:omemo:2'><device id='5'/><device id='+5'/></devices>")]
    [InlineData("<devices xmlns='urn:xmpp:omemo:2'><device id='5'/><item id='6'/></devices>")]
    [InlineData("<devices xmlns='urn:xmpp:omemo:2'><device id='5' xmlns='urn:other'/></devices>")]
    [InlineData("<devices xmlns='urn:xmpp:omemo:2'>text<device id='5'/></devices>")]
    [InlineData("<devices xmlns='urn:xmpp:omemo:2'><devices/></devices>")]
    [InlineData("<list xmlns='eu.siacs.conversations.axolotl'><device id='5'/></list>")]
    [InlineData("<devices xmlns='urn:xmpp:omemo:1'><device id='5'/></devices>")]
    [InlineData("<devices><device id='5'/></devices>")]
    public void Parse_RejectsMalformedLists(string xml) => Malformed(() => DeviceListXml.Parse(xml));

    [Fact]
    public void Parse_BoundsTheDeviceCount()
    {
        string List(int n) => $"<devices xmlns='{Ns}'>{string.Concat(Enumerable.Range(1, n).Select(i => $"<device id='{i}'/>"))}</devices>";
        Assert.Equal(XmlLimits.MaxDevices, DeviceListXml.Parse(List(XmlLimits.MaxDevices)).Count);
        Malformed(() => DeviceListXml.Parse(List(XmlLimits.MaxDevices + 1)));
    }

    [Fact]
    public void Parse_AcceptsTheXepListing()
    {
        var parsed = DeviceListXml.Parse("""
            <devices xmlns='urn:xmpp:omemo:2'>
              <device id='12345' />
              <device id='4223' label='Gajim_on_Ubuntu_Linux' labelsig='
                b64/encoded/data' />
            </devices>
            """);
        Assert.Equal([12345u, 4223u], parsed.Select(d => d.Id));
        Assert.Equal("Gajim_on_Ubuntu_Linux", parsed[1].Label);
        Assert.Null(parsed[1].LabelSignature);   // placeholder text is 12 bytes, not a signature
    }

    [Fact]
    public void ToXml_RejectsInvalidLists()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DeviceListXml.ToXml([new DeviceEntry(0)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeviceListXml.ToXml([new DeviceEntry(1u << 31)]));
        Assert.Throws<ArgumentException>(() => DeviceListXml.ToXml([new DeviceEntry(1), new DeviceEntry(1)]));
        Assert.Throws<ArgumentException>(() => DeviceListXml.ToXml([new DeviceEntry(1, "unsigned")]));
        Assert.Throws<ArgumentException>(() => DeviceListXml.ToXml([new DeviceEntry(1, null, new byte[64])]));
        Assert.Throws<ArgumentException>(() => DeviceListXml.ToXml([new DeviceEntry(1, "x", new byte[63])]));
        Assert.Throws<ArgumentException>(() => DeviceListXml.ToXml([new DeviceEntry(1, "a\u0001b", new byte[64])]));
        Assert.Throws<ArgumentException>(() => DeviceListXml.ToXml(Enumerable.Range(1, XmlLimits.MaxDevices + 1).Select(i => new DeviceEntry((uint)i))));
        Assert.Throws<ArgumentException>(() => DeviceEntry.SignLabel("\ud800", new byte[32]));
        Assert.Throws<ArgumentException>(() => DeviceEntry.SignLabel("ok", new byte[31]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeviceEntry.CreateSigned(0, "ok", new byte[32]));
    }

    [Fact]
    public void Parse_AcceptsAnElementFromAPubSubEvent()
    {
        var eventXml = XElement.Parse($"<items xmlns='http://jabber.org/protocol/pubsub#event' node='urn:xmpp:omemo:2:devices'><item id='current'>{DeviceListXml.ToXml([new DeviceEntry(9)])}</item></items>");
        Assert.Equal(9u, Assert.Single(DeviceListXml.Parse(eventXml.Descendants(XName.Get("devices", Ns)).Single())).Id);
    }
}
