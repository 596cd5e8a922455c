using System.Xml.Linq;
using Omemo.Errors;
using Omemo.Xml;
using Omemo.Xml.Legacy;

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
    public void A_mixed_group_stanza_carries_both_versions_with_their_hints()
    {
        var legacy = new LegacyEncryptedElement(7, [new LegacyEncryptedKey(9, [1, 2], true)], new byte[12], [8, 9]);
        string both = OmemoMessageStanza.Build("a@example.org/x", "room@muc.example.org", "groupchat", "m2", Sample, legacy);
        var hints = XElement.Parse(both).Elements(XName.Get("encryption", "urn:xmpp:eme:0")).Select(e => (string?)e.Attribute("namespace"));
        Assert.Equal(["urn:xmpp:omemo:2", LegacyNamespaces.Axolotl], hints);
        var (modern, old) = OmemoMessageStanza.ParseAll(both);
        Assert.Equal(Sample.ToXml(), modern!.ToXml());
        Assert.Equal(legacy.ToXml(), old!.ToXml());

        string legacyOnly = OmemoMessageStanza.Build("a@example.org/x", "b@example.org", "chat", "m3", null, legacy);
        Assert.Null(OmemoMessageStanza.ParseAll(legacyOnly).Encrypted);
        Assert.Throws<MalformedMessageException>(() => OmemoMessageStanza.ParseEncrypted(legacyOnly));
        Assert.Equal(legacy.ToXml(), OmemoMessageStanza.ParseAll(legacy.ToXml()).Legacy!.ToXml());
        Assert.Throws<ArgumentException>(() => OmemoMessageStanza.Build("a@example.org", "b@example.org", "chat", "m4", null, null));
        string twice = legacy.ToXml();
        Assert.Throws<MalformedMessageException>(() => OmemoMessageStanza.ParseAll($"<message xmlns='jabber:client'>{twice}{twice}</message>"));
    }

    [Fact]
    public void Build_RefusesBlankOrNonXmlArguments()
    {
        Assert.Throws<ArgumentException>(() => OmemoMessageStanza.Build(" ", "b@x", "chat", "1", Sample));
        Assert.Throws<ArgumentException>(() => OmemoMessageStanza.Build("a@x", "b@x", "chat", "\u0001", Sample));
    }
}
