using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Pep;
using Omemo.Sessions.Legacy;
using Omemo.Storage;
using Omemo.Xml;
using Omemo.Xml.Legacy;

namespace Omemo.Sessions;

// Legacy OMEMO 0.3 next to OMEMO 2 (SessionManagerOptions.EnableLegacyOmemo): the legacy bundle and device list, the
// legacy devices to encrypt for, and the Ed25519 identity a legacy peer's Curve25519 key stands for in trust decisions.
public sealed partial class SessionManager
{
    // Legacy device lists are cached in memory only (they are fetched again after a restart).
    private readonly Dictionary<string, (IReadOnlyList<uint> Devices, DateTimeOffset FetchedAt)> _legacyDeviceLists = new(StringComparer.Ordinal);

    /// <summary>
    /// The legacy OMEMO 0.3 bundle of this device: the same identity (Curve25519 form), signed pre-key and pre-keys as
    /// <see cref="GetBundle"/>, with the signed pre-key signed over its 0x05-prefixed form (see <see cref="LegacySignedPreKey"/>).
    /// </summary>
    public LegacyBundle GetLegacyBundle() =>
        LegacySignedPreKey.CreateBundle(_identity, _signedPreKey, [.. _preKeyPublics.Select(p => new X3dh.PreKeyPublic(p.Key, p.Value))]);

    private async Task PublishLegacyBundleCoreAsync(CancellationToken cancellationToken)
    {
        string id = NextIqId();
        string iq = LegacyPepStanzas.PublishBundle(id, DeviceId, GetLegacyBundle());
        Publishing?.Invoke(this, new PublishEventArgs(PublishKind.LegacyBundle, iq));
        PepStanzas.ParsePublishResult(await _pep.SendIqAsync(iq, cancellationToken).ConfigureAwait(false), id);
    }

    /// <summary>Adds this device to the own legacy device list when it is missing there.</summary>
    private async Task AnnounceLegacyDeviceAsync(CancellationToken cancellationToken)
    {
        var list = await FetchLegacyDeviceListAsync(Jid, cancellationToken).ConfigureAwait(false) ?? [];
        if (!list.Contains(DeviceId))
        {
            list = [.. list, DeviceId];
            string id = NextIqId();
            string iq = LegacyPepStanzas.PublishDeviceList(id, list);
            Publishing?.Invoke(this, new PublishEventArgs(PublishKind.LegacyDeviceList, iq));
            PepStanzas.ParsePublishResult(await _pep.SendIqAsync(iq, cancellationToken).ConfigureAwait(false), id);
        }
        _legacyDeviceLists[Jid] = (list, Now);
    }

    /// <summary>The fetched legacy device list (checked against the device list rules), or null when none is published.</summary>
    private async Task<IReadOnlyList<uint>?> FetchLegacyDeviceListAsync(string jid, CancellationToken cancellationToken)
    {
        string id = NextIqId();
        string answer = await _pep.SendIqAsync(LegacyPepStanzas.FetchDeviceList(id, jid), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<uint> ids;
        try
        {
            ids = LegacyPepStanzas.ParseDeviceListResult(answer, id);
        }
        catch (PepRequestFailedException)
        {
            return null;
        }
        _options.Rules.CheckDeviceList(jid, [.. ids.Select(i => new DeviceEntry(i))]);
        return ids;
    }

    /// <summary>
    /// The devices to reach with legacy OMEMO: those in the recipients' (and own) legacy device lists that are not already
    /// reached with OMEMO 2. A JID reached this way no longer counts as publishing no device.
    /// </summary>
    private async Task<List<DeviceAddress>> ResolveLegacyTargetsAsync(IReadOnlyCollection<string> recipientJids, List<DeviceAddress> modernTargets,
        List<DeviceFailure> failures, CancellationToken cancellationToken)
    {
        var result = new List<DeviceAddress>();
        if (!_options.EnableLegacyOmemo) return result;
        var modern = modernTargets.ToHashSet();
        foreach (string jid in recipientJids.Select(PepStanzas.BareJid).Append(Jid).Distinct(StringComparer.Ordinal))
        {
            var devices = await GetLegacyDevicesOfAsync(jid, cancellationToken).ConfigureAwait(false);
            var whole = new DeviceAddress(jid, 0);
            if (devices.Count > 0) failures.RemoveAll(f => f.Device == whole && f.Reason == DeviceFailureReason.NoDeviceList);
            else if (!_options.EnableOmemo2 && jid != Jid)
                failures.Add(new DeviceFailure(whole, DeviceFailureReason.NoDeviceList, "The JID publishes no legacy OMEMO device."));
            result.AddRange(devices.Where(d => !modern.Contains(d)));
        }
        _options.Rules.CheckRecipientCount(modern.Count + result.Count);
        return result;
    }

    private async Task<List<DeviceAddress>> GetLegacyDevicesOfAsync(string jid, CancellationToken cancellationToken)
    {
        IReadOnlyList<uint>? list;
        if (_legacyDeviceLists.TryGetValue(jid, out var cached) && Now - cached.FetchedAt < _options.DeviceListCacheDuration)
        {
            list = cached.Devices;
        }
        else
        {
            list = await FetchLegacyDeviceListAsync(jid, cancellationToken).ConfigureAwait(false);
            if (list is not null) _legacyDeviceLists[jid] = (list, Now);
            else list = cached.Devices; // unpublished or unreachable: what was last seen
        }
        return [.. (list ?? []).Distinct().Where(id => !(jid == Jid && id == DeviceId)).Select(id => new DeviceAddress(jid, id))];
    }

    private Task<LegacyBundle?> FetchLegacyBundleAsync(DeviceAddress device, List<DeviceFailure> failures, CancellationToken cancellationToken) =>
        FetchBundleAsync(device, failures, LegacyPepStanzas.FetchBundle, LegacyPepStanzas.ParseBundleResult, cancellationToken);

    /// <summary>
    /// The Ed25519 identity a legacy peer's Curve25519 identity key stands for in trust decisions: the key of a trust
    /// record of the device that maps to it (e.g. learnt from its bundle or its OMEMO 2 identity), otherwise the form
    /// with sign bit 0. Legacy messages carry only the Curve25519 form, which loses the sign.
    /// </summary>
    private async Task<byte[]> LegacyTrustIdentityAsync(DeviceAddress device, byte[] curveIdentity, CancellationToken cancellationToken)
    {
        var records = await TrustRecordsAsync(device.Jid, cancellationToken).ConfigureAwait(false);
        byte[] curve = new byte[X25519.KeySize];
        foreach (var record in records)
        {
            if (record.Device == device && KeyConversion.TryEd25519PublicKeyToCurve25519(record.IdentityKey, curve)
                && curve.AsSpan().SequenceEqual(curveIdentity))
                return record.IdentityKey;
        }
        byte[] ed = new byte[32];
        KeyConversion.Curve25519PublicKeyToEd25519(curveIdentity, 0, ed);
        return ed;
    }

    /// <summary>The stored legacy session with <paramref name="device"/>, or null; the serialized state is wiped.</summary>
    /// <exception cref="MalformedMessageException">The stored state is corrupt.</exception>
    private async Task<LegacySession?> LoadLegacySessionAsync(DeviceAddress device, CancellationToken cancellationToken)
    {
        var record = await _store.GetSessionAsync(device, OmemoVersion.Legacy, cancellationToken).ConfigureAwait(false);
        if (record is null) return null;
        try
        {
            return LegacySession.Deserialize(record.State);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(record.State);
        }
    }

    private static SessionRecord LegacyRecord(DeviceAddress device, LegacySession session) =>
        new(device, session.Serialize()) { Version = OmemoVersion.Legacy };
}
