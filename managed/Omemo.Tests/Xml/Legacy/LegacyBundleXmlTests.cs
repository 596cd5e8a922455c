using Omemo.X3dh;
using Omemo.Xml;
using Omemo.Xml.Legacy;
using static Omemo.Tests.Xml.XmlTestData;
using static Omemo.Tests.Xml.Legacy.LegacyXmlTestData;

namespace Omemo.Tests.Xml.Legacy;

public class LegacyBundleXmlTests
{
    private static string K(byte first = 0x05, int length = 33)
    {
        var b = new byte[length];
        if (length > 0) b[0] = first;
        return Convert.ToBase64String(b);
    }

    private static readonly string Sig = Convert.ToBase64String(new byte[64]);

    private static string Doc(string? spk = null, string? sig = null, string? ik = null, string? prekeys = null, string spkAttr = " signedPreKeyId='1'")
        => $"<bundle xmlns='{Ns}'><signedPreKeyPublic{spkAttr}>{spk ?? K()}</signedPreKeyPublic>"
         + $"<signedPreKeySignature>{sig ?? Sig}</signedPreKeySignature><identityKey>{ik ?? K()}</identityKey>"
         + $"<prekeys>{prekeys ?? $"<preKeyPublic preKeyId='1'>{K()}</preKeyPublic>"}</prekeys></bundle>";

    [Fact]
    public void RoundTrip_PreservesEveryField_AndStripsTheTypeByte()
    {
        var rng = new Random(1);
        foreach (int n in new[] { 1, 5, 100 })
        {
            var bundle = RandomBundle(rng, n);
            var parsed = LegacyBundleXml.Parse(LegacyBundleXml.ToXml(bundle));
            AssertSame(bundle, parsed);
            Assert.Equal(32, parsed.IdentityKey.Length);
        }
    }

    [Fact]
    public void ToXml_HasTheLegacyShape_With0x05PrefixedKeys()
    {
        var bundle = new LegacyBundle(new byte[32], 9, new byte[32], new byte[64], [new PreKeyPublic(3, new byte[32])]);
        Assert.Equal(
            $"<bundle xmlns=\"{Ns}\"><signedPreKeyPublic signedPreKeyId=\"9\">{K()}</signedPreKeyPublic>"
            + $"<signedPreKeySignature>{Sig}</signedPreKeySignature><identityKey>{K()}</identityKey>"
            + $"<prekeys><preKeyPublic preKeyId=\"3\">{K()}</preKeyPublic></prekeys></bundle>",
            LegacyBundleXml.ToXml(bundle));
    }

    [Fact]
    public void Parse_AcceptsTheMinimalDocument_InAnyOrder()
    {
        var parsed = LegacyBundleXml.Parse(Doc());
        Assert.Equal(1u, parsed.SignedPreKeyId);
        Assert.Equal(new byte[32], parsed.SignedPreKey);
        var reordered = $"<b:bundle xmlns:b='{Ns}'> <b:prekeys><b:preKeyPublic preKeyId='4'>{K()}</b:preKeyPublic></b:prekeys>"
            + $"<b:identityKey>{K()}</b:identityKey><b:signedPreKeySignature>{Sig}</b:signedPreKeySignature>"
            + $"<b:signedPreKeyPublic signedPreKeyId='2'>{K()}</b:signedPreKeyPublic></b:bundle>";
        Assert.Equal(4u, LegacyBundleXml.Parse(reordered).PreKeys.Single().Id);
    }

    public static TheoryData<string> Malformed_ => new()
    {
        Doc(spk: K(0x00)),                       // no 0x05 type byte
        Doc(ik: K(0x06)),
        Doc(ik: K(length: 32)),                  // raw key without type byte
        Doc(spk: K(length: 34)),
        Doc(sig: Convert.ToBase64String(new byte[63])),
        Doc(sig: "AAA"),                         // bad base64
        Doc(ik: ""),
        Doc(spkAttr: ""),                        // no signedPreKeyId
        Doc(spkAttr: " signedPreKeyId='0'"),
        Doc(prekeys: ""),                        // no pre-keys
        Doc(prekeys: $"<preKeyPublic preKeyId='1'>{K()}</preKeyPublic><preKeyPublic preKeyId='1'>{K()}</preKeyPublic>"),
        Doc(prekeys: $"<preKeyPublic>{K()}</preKeyPublic>"),
        Doc(prekeys: $"<preKeyPublic preKeyId='1'>{K(0)}</preKeyPublic>"),
        Doc(prekeys: $"<pk id='1'>{K()}</pk>"),
        Doc().Replace("</bundle>", $"<identityKey>{K()}</identityKey></bundle>"),
        Doc().Replace("</bundle>", "<extra/></bundle>"),
        Doc().Replace(Ns, "urn:xmpp:omemo:2"),
        $"<!DOCTYPE bundle [<!ENTITY k '{K()}'>]>" + Doc(ik: "&k;"),
        Doc().Replace("</bundle>", ""),
    };

    [Theory]
    [MemberData(nameof(Malformed_))]
    public void Parse_RejectsMalformedBundles(string xml) => Malformed(() => LegacyBundleXml.Parse(xml));

    [Fact]
    public void Parse_BoundsTheNumberOfPreKeys()
    {
        var prekeys = string.Concat(Enumerable.Range(1, XmlLimits.MaxPreKeys + 1).Select(i => $"<preKeyPublic preKeyId='{i}'>{K()}</preKeyPublic>"));
        Malformed(() => LegacyBundleXml.Parse(Doc(prekeys: prekeys)));
    }

    [Fact]
    public void ToXml_RejectsInvalidContent()
    {
        var ok = RandomBundle(new Random(2), 3);
        Assert.Throws<ArgumentException>(() => LegacyBundleXml.ToXml(ok with { IdentityKey = new byte[33] }));
        Assert.Throws<ArgumentException>(() => LegacyBundleXml.ToXml(ok with { SignedPreKey = new byte[31] }));
        Assert.Throws<ArgumentException>(() => LegacyBundleXml.ToXml(ok with { SignedPreKeySignature = new byte[63] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LegacyBundleXml.ToXml(ok with { SignedPreKeyId = 0 }));
        Assert.Throws<ArgumentException>(() => LegacyBundleXml.ToXml(ok with { PreKeys = [] }));
        Assert.Throws<ArgumentException>(() => LegacyBundleXml.ToXml(ok with { PreKeys = [new(1, new byte[32]), new(1, new byte[32])] }));
        Assert.Throws<ArgumentException>(() => LegacyBundleXml.ToXml(ok with { PreKeys = [new(1, new byte[33])] }));
    }
}
