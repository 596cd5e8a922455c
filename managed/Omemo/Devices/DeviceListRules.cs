using System.Security.Cryptography;
using Omemo.Errors;
using Omemo.Xml;

namespace Omemo.Devices;

/// <summary>
/// XEP-0384 device-list business rules: re-announcing the own device when a fetched own list lacks it (section
/// 5.3.1), caps on devices per JID and recipients per stanza against hostile lists, and fresh device ids that are
/// not in the published list (section 6).
/// </summary>
public sealed class DeviceListRules
{
    /// <summary>Default cap on the devices of one bare JID.</summary>
    public const int DefaultMaxDevicesPerJid = 250;

    /// <summary>Default cap on the recipient devices of one message stanza.</summary>
    public const int DefaultMaxRecipientsPerStanza = 1_000;

    /// <summary>The rules with the default caps.</summary>
    public static DeviceListRules Default { get; } = new();

    /// <summary>Creates the rules with the given caps.</summary>
    /// <param name="maxDevicesPerJid">Most devices accepted for one bare JID (1..<see cref="XmlLimits.MaxDevices"/>).</param>
    /// <param name="maxRecipientsPerStanza">Most recipient devices of one stanza (1..<see cref="XmlLimits.MaxKeys"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A cap is out of range.</exception>
    public DeviceListRules(int maxDevicesPerJid = DefaultMaxDevicesPerJid, int maxRecipientsPerStanza = DefaultMaxRecipientsPerStanza)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDevicesPerJid, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDevicesPerJid, XmlLimits.MaxDevices);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecipientsPerStanza, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRecipientsPerStanza, XmlLimits.MaxKeys);
        MaxDevicesPerJid = maxDevicesPerJid;
        MaxRecipientsPerStanza = maxRecipientsPerStanza;
    }

    /// <summary>Most devices accepted for one bare JID.</summary>
    public int MaxDevicesPerJid { get; }

    /// <summary>Most recipient devices of one stanza.</summary>
    public int MaxRecipientsPerStanza { get; }

    /// <summary>
    /// Checks a device list fetched for (or received from) <paramref name="jid"/> against
    /// <see cref="MaxDevicesPerJid"/> and returns it.
    /// </summary>
    /// <exception cref="TooManyDevicesException">The list has more than <see cref="MaxDevicesPerJid"/> devices.</exception>
    public IReadOnlyList<DeviceEntry> CheckDeviceList(string jid, IReadOnlyList<DeviceEntry> devices)
    {
        ArgumentNullException.ThrowIfNull(jid);
        ArgumentNullException.ThrowIfNull(devices);
        if (devices.Count > MaxDevicesPerJid)
            throw new TooManyDevicesException(
                $"The device list of a JID has {devices.Count} devices; at most {MaxDevicesPerJid} are accepted.",
                devices.Count, MaxDevicesPerJid, jid);
        return devices;
    }

    /// <summary>Checks the number of recipient devices of one stanza against <see cref="MaxRecipientsPerStanza"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="recipients"/> is negative.</exception>
    /// <exception cref="TooManyDevicesException">More than <see cref="MaxRecipientsPerStanza"/> recipients.</exception>
    public void CheckRecipientCount(int recipients)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(recipients);
        if (recipients > MaxRecipientsPerStanza)
            throw new TooManyDevicesException(
                $"A message for {recipients} devices; at most {MaxRecipientsPerStanza} recipients per stanza.",
                recipients, MaxRecipientsPerStanza);
    }

    /// <summary>
    /// The list to publish when the own fetched device list lacks the own device, or lists it with another label
    /// (XEP-0384 section 5.3.1: re-announce when removed); null when the list is fine as it is. The other devices
    /// are kept in their order, the own entry is appended (or replaced in place).
    /// </summary>
    /// <param name="fetchedOwnList">The own account's device list as fetched or notified (empty when none).</param>
    /// <param name="ownDevice">The own device entry as it should be published.</param>
    /// <exception cref="TooManyDevicesException">Adding the own device would exceed <see cref="MaxDevicesPerJid"/>.</exception>
    public IReadOnlyList<DeviceEntry>? ListToReannounce(IReadOnlyList<DeviceEntry> fetchedOwnList, DeviceEntry ownDevice)
    {
        ArgumentNullException.ThrowIfNull(fetchedOwnList);
        ArgumentNullException.ThrowIfNull(ownDevice);
        var result = new List<DeviceEntry>(fetchedOwnList.Count + 1);
        bool found = false;
        foreach (var entry in fetchedOwnList)
        {
            if (entry.Id != ownDevice.Id)
            {
                result.Add(entry);
                continue;
            }
            if (found) continue;
            found = true;
            if (SameAnnouncement(entry, ownDevice)) result.Add(entry);
            else result.Add(ownDevice);
        }
        bool unchanged = found && fetchedOwnList.Count == result.Count && result.SequenceEqual(fetchedOwnList);
        if (unchanged) return null;
        if (!found) result.Add(ownDevice);
        if (result.Count > MaxDevicesPerJid)
            throw new TooManyDevicesException(
                $"The own device list would have {result.Count} devices; at most {MaxDevicesPerJid} are accepted.",
                result.Count, MaxDevicesPerJid);
        return result;
    }

    /// <summary>
    /// A fresh random device id in 1..2^31-1 (<see cref="RandomNumberGenerator"/>) that is not one of
    /// <paramref name="publishedIds"/> (XEP-0384 section 6: check the published list before first publishing).
    /// </summary>
    /// <param name="publishedIds">The ids of the own account's published device list.</param>
    public static uint GenerateDeviceId(IEnumerable<uint> publishedIds)
        => GenerateDeviceId(publishedIds, static () => (uint)RandomNumberGenerator.GetInt32(int.MaxValue) + 1);

    /// <summary>The rule of <see cref="GenerateDeviceId(IEnumerable{uint})"/> over a given source of candidates (for tests).</summary>
    internal static uint GenerateDeviceId(IEnumerable<uint> publishedIds, Func<uint> candidates)
    {
        ArgumentNullException.ThrowIfNull(publishedIds);
        var taken = publishedIds as IReadOnlySet<uint> ?? publishedIds.ToHashSet();
        while (true)
        {
            uint id = candidates();
            if (id is >= XmlLimits.MinId and <= XmlLimits.MaxId && !taken.Contains(id)) return id;
        }
    }

    private static bool SameAnnouncement(DeviceEntry published, DeviceEntry own)
        => published.Label == own.Label
           && (published.LabelSignature is null
               ? own.LabelSignature is null
               : own.LabelSignature is not null && published.LabelSignature.AsSpan().SequenceEqual(own.LabelSignature));
}
