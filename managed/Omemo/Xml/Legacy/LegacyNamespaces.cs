namespace Omemo.Xml.Legacy;

/// <summary>
/// Namespace and PEP node names of legacy OMEMO 0.3 (XEP-0384 version 0.3.0, "siacs OMEMO"), which python-oldmemo
/// calls <c>oldmemo</c>. The element layer lives in <see cref="LegacyEncryptedElement"/>,
/// <see cref="LegacyBundleXml"/> and <see cref="LegacyDeviceListXml"/>.
/// </summary>
public static class LegacyNamespaces
{
    /// <summary>The XML namespace of every legacy element: <c>eu.siacs.conversations.axolotl</c>.</summary>
    public const string Axolotl = "eu.siacs.conversations.axolotl";

    /// <summary>The PEP node holding the device list: <c>eu.siacs.conversations.axolotl.devicelist</c>.</summary>
    public const string DeviceListNode = Axolotl + ".devicelist";

    /// <summary>Prefix of the per-device bundle PEP nodes; the device id follows it (see <see cref="BundleNode"/>).</summary>
    public const string BundleNodePrefix = Axolotl + ".bundles:";

    /// <summary>The PEP node holding the bundle of <paramref name="deviceId"/>: <c>eu.siacs.conversations.axolotl.bundles:&lt;deviceId&gt;</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deviceId"/> is outside 1..2^31-1.</exception>
    public static string BundleNode(uint deviceId)
    {
        XmlArguments.CheckId(deviceId, nameof(deviceId));
        return BundleNodePrefix + deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
