using CsCheck;
using Omemo.Devices;
using Omemo.Errors;
using Omemo.Pep;
using Omemo.Xml;

namespace Omemo.Tests.Pep;

public class DeviceListRulesTests
{
    private static readonly byte[] Sig = Enumerable.Repeat((byte)7, 64).ToArray();

    [Fact]
    public void Reannounce_AppendsTheOwnDeviceWhenMissing()
    {
        var own = new DeviceEntry(42);
        var list = DeviceListRules.Default.ListToReannounce([new DeviceEntry(1), new DeviceEntry(2)], own);
        Assert.Equal([1u, 2u, 42u], list!.Select(d => d.Id));
        Assert.Equal([42u], DeviceListRules.Default.ListToReannounce([], own)!.Select(d => d.Id));
    }

    [Fact]
    public void Reannounce_NothingWhenPresentWithTheSameLabel()
    {
        var own = new DeviceEntry(42, "phone", Sig);
        var published = new DeviceEntry(42, "phone", (byte[])Sig.Clone());
        Assert.Null(DeviceListRules.Default.ListToReannounce([new DeviceEntry(1), published], own));
        Assert.Null(DeviceListRules.Default.ListToReannounce([new DeviceEntry(42)], new DeviceEntry(42)));
    }

    [Fact]
    public void Reannounce_ReplacesAChangedLabelInPlace()
    {
        var own = new DeviceEntry(42, "phone", Sig);
        var list = DeviceListRules.Default.ListToReannounce([new DeviceEntry(42), new DeviceEntry(1)], own)!;
        Assert.Equal([42u, 1u], list.Select(d => d.Id));
        Assert.Same(own, list[0]);
    }

    [Fact]
    public void Reannounce_ThroughThePepModel_WhenAnotherDeviceOverwroteTheList()
    {
        const string Jid = "juliet@capulet.lit";
        var pep = new InMemoryPepService();
        var own = new DeviceEntry(100);
        List<IReadOnlyList<DeviceEntry>> republished = [];
        pep.ItemPublished += (_, e) =>
        {
            var update = PepStanzas.ParseDeviceListNotification(e.NotificationXml);
            if (update is null || update.Jid != Jid) return;
            if (DeviceListRules.Default.ListToReannounce(update.Devices, own) is { } list)
            {
                republished.Add(list);
                PepStanzas.ParsePublishResult(pep.Process(Jid, PepStanzas.PublishDeviceList("re", list)));
            }
        };
        PepStanzas.ParsePublishResult(pep.Process(Jid, PepStanzas.PublishDeviceList("a", [own])));
        // A second device announces itself unaware of ours (the race of XEP-0384 section 5.3.1).
        PepStanzas.ParsePublishResult(pep.Process(Jid, PepStanzas.PublishDeviceList("b", [new DeviceEntry(200)])));
        Assert.Single(republished);
        var current = PepStanzas.ParseDeviceListResult(pep.Process(Jid, PepStanzas.FetchDeviceList("f", Jid)));
        Assert.Equal([200u, 100u], current.Select(d => d.Id));
    }

    [Fact]
    public void Caps_ThrowTooManyDevices()
    {
        var rules = DeviceListRules.Default;
        var list = Enumerable.Range(1, 250).Select(i => new DeviceEntry((uint)i)).ToList();
        Assert.Same(list, rules.CheckDeviceList("a@b", list));
        list.Add(new DeviceEntry(251));
        var e = Assert.Throws<TooManyDevicesException>(() => rules.CheckDeviceList("a@b", list));
        Assert.Equal((251, 250, "a@b"), (e.Count, e.Limit, e.Jid));
        Assert.Throws<TooManyDevicesException>(() => rules.ListToReannounce(list.Take(250).ToList(), new DeviceEntry(999)));

        rules.CheckRecipientCount(1000);
        e = Assert.Throws<TooManyDevicesException>(() => rules.CheckRecipientCount(1001));
        Assert.Equal((1001, 1000, (string?)null), (e.Count, e.Limit, e.Jid));

        var small = new DeviceListRules(maxDevicesPerJid: 2, maxRecipientsPerStanza: 3);
        Assert.Throws<TooManyDevicesException>(() => small.CheckDeviceList("a@b", list.Take(3).ToList()));
        Assert.Throws<TooManyDevicesException>(() => small.CheckRecipientCount(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceListRules(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceListRules(XmlLimits.MaxDevices + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceListRules(250, 0));
    }

    [Fact]
    public void GenerateDeviceId_IsInRangeAndAvoidsPublishedIds()
    {
        Gen.UInt[1, int.MaxValue].HashSet[0, 300].Sample(published =>
        {
            uint id = DeviceListRules.GenerateDeviceId(published);
            return id is >= 1 and <= int.MaxValue && !published.Contains(id);
        });
    }

    [Fact]
    public void GenerateDeviceId_SkipsCollisionsAndOutOfRangeCandidates()
    {
        Gen.UInt[1, 1000].HashSet[1, 50].Sample(published =>
        {
            // Candidates: every published id (collisions), 0 and 2^31 (out of range), then a free one.
            var queue = new Queue<uint>(published.Append(0u).Append(0x8000_0000u).Append(5000u));
            uint id = DeviceListRules.GenerateDeviceId(published, queue.Dequeue);
            return id == 5000u && queue.Count == 0;
        });
    }

    [Fact]
    public void GenerateDeviceId_CoversTheRange()
    {
        var ids = Enumerable.Range(0, 2000).Select(_ => DeviceListRules.GenerateDeviceId([])).ToList();
        Assert.All(ids, id => Assert.InRange(id, 1u, (uint)int.MaxValue));
        Assert.True(ids.Distinct().Count() > 1990);
        Assert.Contains(ids, id => id > 1u << 30);
        Assert.Contains(ids, id => id < 1u << 30);
    }
}
