using Omemo.Xml;
using Omemo.Xml.Legacy;
using static Omemo.Tests.Xml.XmlTestData;
using static Omemo.Tests.Xml.Legacy.LegacyXmlTestData;

namespace Omemo.Tests.Xml.Legacy;

public class LegacyDeviceListXmlTests
{
    [Fact]
    public void RoundTrip_KeepsIdsInOrder()
    {
        uint[] ids = [5, 1, XmlLimits.MaxId, 77];
        Assert.Equal($"<list xmlns=\"{Ns}\"><device id=\"5\" /><device id=\"1\" /><device id=\"2147483647\" /><device id=\"77\" /></list>",
                     LegacyDeviceListXml.ToXml(ids));
        Assert.Equal(ids, LegacyDeviceListXml.Parse(LegacyDeviceListXml.ToXml(ids)));
        Assert.Empty(LegacyDeviceListXml.Parse(LegacyDeviceListXml.ToXml([])));
    }

    [Fact]
    public void Parse_IgnoresLabelsAndOtherAttributes()
        => Assert.Equal([3u, 4u], LegacyDeviceListXml.Parse($"<l:list xmlns:l='{Ns}'> <l:device id='3' label='Phone'/><l:device id='04' x='y'></l:device></l:list>"));

    [Theory]
    [InlineData("<list xmlns='eu.siacs.conversations.axolotl'><device id='1'/><device id='1'/></list>")]
    [InlineData("<list xmlns='eu.siacs.conversations.axolotl'><device/></list>")]
    [InlineData("<list xmlns='eu.siacs.conversations.axolotl'><device id='0'/></list>")]
    [InlineData("<list xmlns='eu.siacs.conversations.axolotl'><device id='-1'/></list>")]
    [InlineData("<list xmlns='eu.siacs.conversations.axolotl'><device id='2147483648'/></list>")]
    [InlineData("<list xmlns='eu.siacs.conversations.axolotl'><device id='x'/></list>")]
    [InlineData("<list xmlns='eu.siacs.conversations.axolotl'><dev id='1'/></list>")]
    [InlineData("<list xmlns='eu.siacs.conversations.axolotl'>text</list>")]
    [InlineData("<devices xmlns='urn:xmpp:omemo:2'><device id='1'/></devices>")]
    [InlineData("<list xmlns='urn:xmpp:omemo:2'><device id='1'/></list>")]
    [InlineData("<list><device id='1'/></list>")]
    [InlineData("<!DOCTYPE list [<!ENTITY i '1'>]><list xmlns='eu.siacs.conversations.axolotl'><device id='&i;'/></list>")]
    [InlineData("<list xmlns='eu.siacs.conversations.axolotl'><device id='1'/>")]
    public void Parse_RejectsMalformedLists(string xml) => Malformed(() => LegacyDeviceListXml.Parse(xml));

    [Fact]
    public void Parse_BoundsTheNumberOfDevices()
    {
        var xml = $"<list xmlns='{Ns}'>" + string.Concat(Enumerable.Range(1, XmlLimits.MaxDevices + 1).Select(i => $"<device id='{i}'/>")) + "</list>";
        Malformed(() => LegacyDeviceListXml.Parse(xml));
    }

    [Fact]
    public void ToXml_RejectsInvalidIds()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LegacyDeviceListXml.ToXml([0u]));
        Assert.Throws<ArgumentException>(() => LegacyDeviceListXml.ToXml([1u, 1u]));
        Assert.Throws<ArgumentException>(() => LegacyDeviceListXml.ToXml(Enumerable.Range(1, XmlLimits.MaxDevices + 1).Select(i => (uint)i)));
    }

    [Fact]
    public void Namespaces_NameTheLegacyNodes()
    {
        Assert.Equal("eu.siacs.conversations.axolotl", LegacyNamespaces.Axolotl);
        Assert.Equal("eu.siacs.conversations.axolotl.devicelist", LegacyNamespaces.DeviceListNode);
        Assert.Equal("eu.siacs.conversations.axolotl.bundles:31415", LegacyNamespaces.BundleNode(31415));
        Assert.Throws<ArgumentOutOfRangeException>(() => LegacyNamespaces.BundleNode(0));
    }
}
