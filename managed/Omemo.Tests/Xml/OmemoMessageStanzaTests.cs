using System.Xml.Linq;
using Omemo.Errors;
using Omemo.Xml;

namespace Omemo.Tests.Xml;

public sealed class OmemoMessageStanzaTests
{
    private static readonly EncryptedElement Sample = new(7, [new EncryptedKey("bob@example.org", 9, [1, 2, 3], true)], [4, 5, 6]);

    [Fact]
    public void Build_CarriesTheElementAndTheHints_AndParsesBack()
    {
        string xml = OmemoMessageStanza.Build("alice@example.org/phone", "room@muc.example.org", "groupchat", "m1", Sample);
        var root = XElement.Parse(xml);
        Assert.Equal(XName.Get("message", "jabber:client"), root.Name);
        Assert.Equal(("groupchat", "m1"), ((string?)root.Attribute("type"), (string?)root.Attribute("id")));
        Assert.NotNull(root.Element(XName.Get("store", "urn:xmpp:hints")));
        Assert.Equal("urn:xmpp:omemo:2", (string?)root.Element(XName.Get("encryption", "urn:xmpp:eme:0"))?.Attribute("namespace"));
        Assert.Equal(OmemoMessageStanza.FallbackBody, root.Element(XName.Get("body", "jabber:client"))?.Value);

        var parsed = OmemoMessageStanza.ParseEncrypted(xml);
        Assert.Equal(Sample.ToXml(), parsed.ToXml());
        Assert.Equal(Sample.ToXml(), OmemoMessageStanza.ParseEncrypted(Sample.ToXml()).ToXml());
    }

    [Theory]
    [InlineData("<message xmlns='jabber:client'><body>plain</body></message>")]
    [InlineData("<iq xmlns='jabber:client'/>")]
    [InlineData("<message xmlns='urn:evil'/>")]
    [InlineData("<!DOCTYPE m [<!ENTITY x 'y'>]><message xmlns='jabber:client'/>")]
    [InlineData("<message xmlns='jabber:client'>")]
    public void ParseEncrypted_RefusesWhatIsNotOneOmemoElement(string xml) =>
        Assert.Throws<MalformedMessageException>(() => OmemoMessageStanza.ParseEncrypted(xml));

    [Fact]
    public void ParseEncrypted_RefusesTwoElements()
    {
        string one = Sample.ToXml();
        Assert.Throws<MalformedMessageException>(() => OmemoMessageStanza.ParseEncrypted($"<message xmlns='jabber:client'>{one}{one}</message>"));
    }

    [Fact]
    public void Build_RefusesBlankOrNonXmlArguments()
    {
        Assert.Throws<ArgumentException>(() => OmemoMessageStanza.Build(" ", "b@x", "chat", "1", Sample));
        Assert.Throws<ArgumentException>(() => OmemoMessageStanza.Build("a@x", "b@x", "chat", "\u0001", Sample));
    }
}
