using Omemo.Errors;
using Omemo.Storage;
using Omemo.X3dh;

namespace Omemo.Sessions;

// Getting a session for every recipient device: stored ones are loaded, missing ones are built from fetched bundles,
// and the X3DH work of many new devices runs in parallel on all cores.
public sealed partial class SessionManager
{
    /// <summary>What a session is prepared for: a message (stored session or new one, trust required) or a replacement (always new, empty message).</summary>
    private enum SessionUse { Message, Replacement }

    /// <summary>A device and its session, owned by the caller (dispose it).</summary>
    private readonly record struct PreparedSession(DeviceAddress Device, OmemoSession Session);

    /// <summary>
    /// A session for each device that can be encrypted for, in the order of <paramref name="devices"/>; the others are
    /// reported in <paramref name="failures"/>. Fetching and trust checks run one by one (they touch the store and the
    /// network); the X3DH of the new sessions then runs on all cores, at most <see cref="Environment.ProcessorCount"/>
    /// at a time, so a first message to a thousand new devices takes a fraction of the single-threaded time.
    /// </summary>
    private async Task<List<PreparedSession>> PrepareSessionsAsync(IReadOnlyList<DeviceAddress> devices, StoreChanges changes,
        List<DeviceFailure> failures, SessionUse use, CancellationToken cancellationToken)
    {
        var sessions = new OmemoSession?[devices.Count];
        var bundles = new Bundle?[devices.Count];
        try
        {
            for (int i = 0; i < devices.Count; i++)
            {
                var device = devices[i];
                if (use == SessionUse.Message)
                {
                    try
                    {
                        sessions[i] = await LoadSessionAsync(device, cancellationToken).ConfigureAwait(false);
                    }
                    catch (MalformedMessageException)
                    {
                        failures.Add(new DeviceFailure(device, DeviceFailureReason.Broken, "The stored session is corrupt; replace it with ReplaceSessionAsync."));
                        continue;
                    }
                }
                if (sessions[i] is null)
                {
                    bundles[i] = await FetchBundleAsync(device, failures, cancellationToken).ConfigureAwait(false);
                    if (bundles[i] is null) continue;
                }
                byte[] identityKey = sessions[i]?.PeerIdentityKey.ToArray() ?? bundles[i]!.IdentityKey;
                if (await CheckRecipientTrustAsync(device, identityKey, changes, failures, use, cancellationToken).ConfigureAwait(false)) continue;
                sessions[i]?.Dispose();
                sessions[i] = null;
                bundles[i] = null;
            }
            InitiateAll(devices, bundles, sessions, failures, cancellationToken);
            var result = new List<PreparedSession>(devices.Count);
            for (int i = 0; i < devices.Count; i++)
                if (sessions[i] is { } session) result.Add(new PreparedSession(devices[i], session));
            Array.Clear(sessions);
            return result;
        }
        finally
        {
            foreach (var s in sessions) s?.Dispose();
        }
    }

    /// <summary>X3DH for every fetched bundle, in parallel; a broken bundle becomes a failure of its device only.</summary>
    private void InitiateAll(IReadOnlyList<DeviceAddress> devices, Bundle?[] bundles, OmemoSession?[] sessions,
        List<DeviceFailure> failures, CancellationToken cancellationToken)
    {
        var errors = new string?[bundles.Length];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        Parallel.For(0, bundles.Length, options, i =>
        {
            if (bundles[i] is not { } bundle) return;
            try
            {
                sessions[i] = OmemoSession.Initiate(_identity, bundle);
            }
            catch (Exception e) when (e is InvalidSignatureException or MissingPreKeyException or InvalidKeyException)
            {
                errors[i] = e.Message;
            }
        });
        for (int i = 0; i < errors.Length; i++)
            if (errors[i] is { } message) failures.Add(new DeviceFailure(devices[i], DeviceFailureReason.Broken, message));
    }
}
