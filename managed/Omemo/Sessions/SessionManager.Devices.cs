using Omemo.Errors;
using Omemo.Keys;
using Omemo.Pep;
using Omemo.Storage;
using Omemo.TrustPolicies;
using Omemo.Xml;

namespace Omemo.Sessions;

// Device lists (fetch, cache, notifications, re-announce) and trust decisions.
public sealed partial class SessionManager
{
    private string? _label;

    // Trust records of the JIDs touched by the running operation (operations are serialized), so a fan-out to many
    // devices of one JID reads that JID's records once and sees the decisions made earlier in the same batch.
    private readonly Dictionary<string, List<TrustRecord>> _trustCache = new(StringComparer.Ordinal);

    /// <summary>
    /// Handles a PEP notification <c>&lt;message&gt;</c> (XEP-0163) carrying a device list: checks it against the
    /// device limits, stores it (it then serves as the cached list, see <see cref="SessionManagerOptions.DeviceListCacheDuration"/>)
    /// and, when it is the own list and lacks this device, re-announces this device (XEP-0384 section 5.3.1).
    /// Returns the update, or null when the message is not an OMEMO device-list notification.
    /// </summary>
    /// <param name="messageXml">The notification message stanza.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="MalformedMessageException">The notification is malformed.</exception>
    /// <exception cref="TooManyDevicesException">The list is longer than the limits allow (nothing is stored).</exception>
    /// <exception cref="PepRequestFailedException">Re-announcing the own device failed (the list is stored).</exception>
    public Task<PepDeviceListUpdate?> HandleDeviceListNotificationAsync(string messageXml, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageXml);
        var update = PepStanzas.ParseDeviceListNotification(messageXml);
        if (update is null) return Task.FromResult<PepDeviceListUpdate?>(null);
        _options.Rules.CheckDeviceList(update.Jid, update.Devices);
        return LockedAsync<PepDeviceListUpdate?>(async () =>
        {
            var changes = new StoreChanges();
            changes.PutDeviceLists.Add(new DeviceListRecord(update.Jid, update.Devices, Now));
            await _store.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
            if (update.Jid == Jid && _options.EnableOmemo2 && _options.Rules.ListToReannounce(update.Devices, OwnEntry()) is { } announce)
                await PublishDeviceListCoreAsync(announce, cancellationToken).ConfigureAwait(false);
            return update;
        }, cancellationToken);
    }

    /// <summary>
    /// What is known about the devices of <paramref name="jid"/> (from the stored device list, sessions and trust
    /// decisions): for a user interface that shows fingerprints and asks for trust decisions.
    /// </summary>
    public Task<IReadOnlyList<DeviceInfo>> GetDevicesAsync(string jid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jid);
        jid = PepStanzas.BareJid(jid);
        return LockedAsync<IReadOnlyList<DeviceInfo>>(async () =>
        {
            var list = await _store.GetDeviceListAsync(jid, cancellationToken).ConfigureAwait(false);
            var trusts = await _store.GetTrustsAsync(jid, cancellationToken).ConfigureAwait(false);
            var result = new List<DeviceInfo>();
            foreach (var entry in list?.Devices ?? [])
            {
                if (jid == Jid && entry.Id == DeviceId) continue;
                var device = new DeviceAddress(jid, entry.Id);
                byte[]? identityKey = null;
                using (var session = await LoadSessionOrNullAsync(device, cancellationToken).ConfigureAwait(false))
                    identityKey = session?.PeerIdentityKey.ToArray();
                identityKey ??= trusts.LastOrDefault(t => t.Device == device)?.IdentityKey;
                var level = identityKey is null ? TrustLevel.Undecided
                    : trusts.FirstOrDefault(t => t.Device == device && t.IdentityKey.AsSpan().SequenceEqual(identityKey))?.Level ?? TrustLevel.Undecided;
                result.Add(new DeviceInfo(device, identityKey is null ? null : entry.GetVerifiedLabel(identityKey),
                    identityKey is null ? null : Keys.Fingerprint.FromEd25519(identityKey), level, identityKey is not null));
            }
            return result;
        }, cancellationToken);
    }

    /// <summary>
    /// Stores a trust decision for one identity key of one device, e.g. <see cref="TrustLevel.Verified"/> after the
    /// user compared fingerprints, or <see cref="TrustLevel.Distrusted"/> to stop encrypting for it.
    /// </summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes or the device is invalid.</exception>
    public Task SetTrustAsync(DeviceAddress device, ReadOnlyMemory<byte> identityKey, TrustLevel level, CancellationToken cancellationToken = default)
    {
        if (identityKey.Length != 32) throw new ArgumentException("An identity key is 32 bytes.", nameof(identityKey));
        if (!Enum.IsDefined(level)) throw new ArgumentException("Unknown trust level.", nameof(level));
        device = new DeviceAddress(PepStanzas.BareJid(device.Jid), device.DeviceId);
        return LockedAsync(async () =>
        {
            var changes = new StoreChanges();
            changes.PutTrust.Add(new TrustRecord(device, identityKey.ToArray(), level));
            await _store.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>Every stored trust decision for the devices of <paramref name="jid"/>.</summary>
    public Task<IReadOnlyList<TrustRecord>> GetTrustAsync(string jid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jid);
        return _store.GetTrustsAsync(PepStanzas.BareJid(jid), cancellationToken);
    }

    // ---- device lists ----------------------------------------------------------------------------------------

    private DeviceEntry OwnEntry() => _label is null ? new DeviceEntry(DeviceId) : DeviceEntry.CreateSigned(DeviceId, _label, _identity);

    /// <summary>Every device to encrypt a message for: the recipients' devices and the own other devices.</summary>
    private async Task<List<DeviceAddress>> ResolveTargetsAsync(IReadOnlyCollection<string> recipientJids, StoreChanges changes,
        List<DeviceFailure> failures, CancellationToken cancellationToken)
    {
        var targets = new List<DeviceAddress>();
        if (!_options.EnableOmemo2) return targets;
        foreach (string jid in recipientJids.Select(PepStanzas.BareJid).Append(Jid).Distinct(StringComparer.Ordinal))
            targets.AddRange(await GetDevicesOfAsync(jid, changes, failures, forceFetch: false, cancellationToken).ConfigureAwait(false));
        _options.Rules.CheckRecipientCount(targets.Count);
        return targets;
    }

    /// <summary>
    /// The devices of <paramref name="jid"/> (never this device): the stored list while it is younger than the cache
    /// duration, otherwise a fetched one (stored with the batch); the stored list again when fetching fails.
    /// </summary>
    private async Task<List<DeviceAddress>> GetDevicesOfAsync(string jid, StoreChanges changes, List<DeviceFailure> failures,
        bool forceFetch, CancellationToken cancellationToken)
    {
        var stored = await _store.GetDeviceListAsync(jid, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<DeviceEntry>? list = null;
        if (!forceFetch && stored is not null && Now - stored.UpdatedAt < _options.DeviceListCacheDuration)
        {
            list = stored.Devices;
        }
        else
        {
            list = await FetchDeviceListAsync(_pep, NextIqId(), jid, cancellationToken).ConfigureAwait(false);
            if (list is not null)
            {
                _options.Rules.CheckDeviceList(jid, list);
                changes.PutDeviceLists.Add(new DeviceListRecord(jid, list, Now));
            }
            else if (jid != Jid)
            {
                list = stored?.Devices; // unreachable or unpublished: fall back to what was last seen
            }
        }
        var devices = (list ?? []).Select(d => d.Id).Distinct().Where(id => !(jid == Jid && id == DeviceId))
            .Select(id => new DeviceAddress(jid, id)).ToList();
        if (devices.Count == 0 && jid != Jid)
            failures.Add(new DeviceFailure(new DeviceAddress(jid, 0), DeviceFailureReason.NoDeviceList, "The JID publishes no OMEMO device."));
        return devices;
    }

    /// <summary>
    /// XEP-0384 section 7: a message from a device missing in the stored list makes the list stale; fetch it again
    /// (stored with the batch). Failures are ignored: the message is decrypted either way.
    /// </summary>
    private async Task RefreshListIfSenderUnknownAsync(DeviceAddress sender, StoreChanges changes, CancellationToken cancellationToken)
    {
        var stored = await _store.GetDeviceListAsync(sender.Jid, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.Devices.Any(d => d.Id == sender.DeviceId)) return;
        try
        {
            var list = await FetchDeviceListAsync(_pep, NextIqId(), sender.Jid, cancellationToken).ConfigureAwait(false);
            if (list is not null) changes.PutDeviceLists.Add(new DeviceListRecord(sender.Jid, _options.Rules.CheckDeviceList(sender.Jid, list), Now));
        }
        catch (OmemoException)
        {
            // A hostile or broken list does not stop the message.
        }
    }

    private static async Task<IReadOnlyList<DeviceEntry>?> FetchDeviceListAsync(IPepTransport pep, string id, string jid, CancellationToken cancellationToken)
    {
        string answer = await pep.SendIqAsync(PepStanzas.FetchDeviceList(id, jid), cancellationToken).ConfigureAwait(false);
        try
        {
            return PepStanzas.ParseDeviceListResult(answer, id);
        }
        catch (PepRequestFailedException)
        {
            return null; // item-not-found and the like: no published list
        }
    }

    // ---- trust -----------------------------------------------------------------------------------------------

    /// <summary>The trust records of <paramref name="jid"/>, cached for the current operation.</summary>
    private async Task<List<TrustRecord>> TrustRecordsAsync(string jid, CancellationToken cancellationToken)
    {
        if (!_trustCache.TryGetValue(jid, out var records))
        {
            records = [.. await _store.GetTrustsAsync(jid, cancellationToken).ConfigureAwait(false)];
            _trustCache[jid] = records;
        }
        return records;
    }

    private async Task<TrustDecision> DecideTrustAsync(DeviceAddress device, byte[] identityKey, StoreChanges changes, CancellationToken cancellationToken)
    {
        var records = await TrustRecordsAsync(device.Jid, cancellationToken).ConfigureAwait(false);
        var decision = _trust.Decide(device, identityKey, records);
        if (decision.IsNew)
        {
            changes.PutTrust.Add(decision.Record);
            records.RemoveAll(r => r.Device == device && r.IdentityKey.AsSpan().SequenceEqual(identityKey));
            records.Add(decision.Record);
        }
        return decision;
    }

    /// <summary>Whether a message may be encrypted for the device; adds a failure when not. Replacements (empty messages) need no trust.</summary>
    private async Task<bool> CheckRecipientTrustAsync(DeviceAddress device, byte[] identityKey, StoreChanges changes,
        List<DeviceFailure> failures, SessionUse use, CancellationToken cancellationToken)
    {
        TrustDecision decision;
        try
        {
            decision = await DecideTrustAsync(device, identityKey, changes, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidKeyException e)
        {
            failures.Add(new DeviceFailure(device, DeviceFailureReason.Broken, e.Message));
            return false;
        }
        if (decision.EncryptFor || use == SessionUse.Replacement) return true;
        failures.Add(new DeviceFailure(device, DeviceFailureReason.Untrusted, $"The device's identity key is {decision.Level}."));
        return false;
    }

    /// <summary>The sender's trust level; throws when its key is distrusted.</summary>
    private async Task<TrustLevel> CheckSenderTrustAsync(DeviceAddress sender, byte[] identityKey, StoreChanges changes, CancellationToken cancellationToken)
    {
        var decision = await DecideTrustAsync(sender, identityKey, changes, cancellationToken).ConfigureAwait(false);
        if (!decision.AcceptFrom) throw new UntrustedSenderException("The sending device's identity key is distrusted.");
        return decision.Level;
    }

    private async Task<OmemoSession?> LoadSessionOrNullAsync(DeviceAddress device, CancellationToken cancellationToken)
    {
        try
        {
            return await LoadSessionAsync(device, cancellationToken).ConfigureAwait(false);
        }
        catch (MalformedMessageException)
        {
            return null;
        }
    }
}
