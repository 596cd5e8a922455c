using System.Diagnostics;
using Omemo.Pep;
using Omemo.Sessions;
using Omemo.Storage;
using Omemo.TrustPolicies;
using Omemo.Xml;
using Omemo.Xml.Legacy;

namespace Omemo.Cli.Demo;

/// <summary>
/// A group chat of <see cref="DemoSettings.Members"/> members with <see cref="DemoSettings.DevicesPerMember"/> devices
/// each: every device is a <see cref="SessionManager"/> over its own <see cref="SqliteOmemoStore"/>, and all talk to one
/// <see cref="InMemoryPepService"/> through <see cref="InMemoryPepTransport"/>. Messages travel as serialized
/// <c>&lt;message&gt;</c> stanzas and are parsed again at every recipient device; every check that fails is counted in
/// <see cref="Statistics"/> and the run goes on. In a mixed group (<see cref="DemoSettings.Mixed"/>) a message carries an
/// OMEMO 2 and a legacy OMEMO 0.3 element side by side, and each device reads the one of its version.
/// </summary>
internal sealed class GroupChatDemo(DemoSettings settings) : IAsyncDisposable
{
    private readonly InMemoryPepService _pep = new();
    private readonly List<DemoDevice> _devices = [];
    private readonly Random _random = new(settings.Seed);
    private readonly string[] _members = Enumerable.Range(0, settings.Members).Select(DemoSettings.MemberJid).ToArray();

    /// <summary>The counters and timings.</summary>
    internal DemoStatistics Statistics { get; } = new();

    /// <summary>Creates (or, in a reused directory, reopens) every device; <paramref name="created"/> runs after each.</summary>
    /// <exception cref="Omemo.Errors.OmemoException">A store cannot be opened or a device cannot be created.</exception>
    internal async Task CreateDevicesAsync(Action created, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        for (int member = 0; member < settings.Members; member++)
        {
            for (int index = 1; index <= settings.DevicesPerMember; index++)
            {
                string jid = _members[member];
                string path = Path.Combine(settings.Directory, $"{DemoSettings.MemberName(member)}-{index}.db");
                var store = await SqliteOmemoStore.OpenAsync(path, cancellationToken).ConfigureAwait(false);
                try
                {
                    var (omemo2, legacy) = settings.MemberVersions(member);
                    var options = new SessionManagerOptions { EnableOmemo2 = omemo2, EnableLegacyOmemo = legacy };
                    var manager = await SessionManager.CreateAsync(store, new InMemoryPepTransport(_pep, jid),
                        BlindTrustBeforeVerificationPolicy.Instance, jid, options, cancellationToken).ConfigureAwait(false);
                    _devices.Add(new DemoDevice(jid, $"device{index}", store, manager));
                }
                catch
                {
                    await store.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
                created();
            }
        }
        Statistics.SetupTime = Stopwatch.GetElapsedTime(start);
    }

    /// <summary>
    /// Sends message number <paramref name="number"/> from a random device to the group (all members), and delivers it
    /// to every other device, checking body and affixes, and every automatic reply back to the sender device.
    /// </summary>
    internal async Task SendAsync(int number, CancellationToken cancellationToken)
    {
        var sender = _devices[_random.Next(_devices.Count)];
        string body = $"message {number} from {sender.FullJid}";
        // A client leaves out members it shares no OMEMO version with (it would warn its user).
        string[] reachable = [.. _members.Where(jid => _devices.Any(d => d.Jid == jid && d.SharesVersionWith(sender)))];
        Statistics.AddUnreachable(_members.Length - reachable.Length);
        EncryptResult result;
        long start = Stopwatch.GetTimestamp();
        try
        {
            // The SCE envelope (body, random padding, time, <from>, and the room as <to>) is built by the library.
            result = await sender.Manager.EncryptContentAsync(reachable, [SceEnvelope.CreateBody(body)], settings.Room, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Statistics.Fail($"message {number}: encryption at {sender} failed: {e.GetType().Name}: {e.Message}");
            return;
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        var modern = result.Element.Keys.Count > 0 ? result.Element : null;
        string stanza = OmemoMessageStanza.Build(sender.FullJid, settings.Room, "groupchat", $"m{number}", modern, result.LegacyElement);
        Statistics.AddEncryption(elapsed, result.Element.Keys.Count + (result.LegacyElement?.Keys.Count ?? 0), stanza.Length);
        foreach (var failure in result.Failures)
            Statistics.Fail($"message {number}: {sender} left out {CliErrors.DescribeFailure(failure)}");

        foreach (var device in _devices)
            if (device != sender && device.SharesVersionWith(sender))
                await ReceiveAsync(number, device, sender, body, stanza, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var device in _devices) await device.DisposeAsync().ConfigureAwait(false);
        _devices.Clear();
    }

    private async Task ReceiveAsync(int number, DemoDevice device, DemoDevice sender, string body, string stanza, CancellationToken cancellationToken)
    {
        DecryptResult result;
        bool legacy = false;
        long start = Stopwatch.GetTimestamp();
        try
        {
            var (modern, legacyElement) = OmemoMessageStanza.ParseAll(stanza);
            if (device.Omemo2 && modern?.FindKey(device.Jid, device.Manager.DeviceId) is not null)
            {
                // Parses the envelope and checks <from>/<to> against the sender and the room before committing.
                result = await device.Manager.DecryptContentAsync(sender.Jid, modern, settings.Room, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                legacy = true;
                var element = legacyElement ?? throw new InvalidDataException("the message holds no key for this device");
                result = await device.Manager.DecryptLegacyAsync(sender.Jid, element, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Statistics.Fail($"message {number}: decryption at {device} failed: {e.GetType().Name}: {e.Message}");
            return;
        }
        Statistics.AddDecryption(Stopwatch.GetElapsedTime(start), result.NewSession);
        if (legacy) Statistics.AddLegacyDecryption();
        try
        {
            if (result.IsDuplicate) throw new InvalidDataException("a new message was taken for a duplicate");
            // Legacy OMEMO carries the bare body; OMEMO 2 the SCE envelope.
            string received = legacy ? System.Text.Encoding.UTF8.GetString(result.Plaintext ?? throw new InvalidDataException("no payload"))
                : (result.Content ?? throw new InvalidDataException("no payload")).Body ?? "";
            if (received != body) throw new InvalidDataException("the body differs from the one sent");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Statistics.Fail($"message {number}: wrong plaintext at {device}: {e.GetType().Name}: {e.Message}");
        }
        await DeliverRepliesAsync(number, device, sender, result.AutomaticReply, result.LegacyAutomaticReply, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends automatic replies back and forth through XML until none is due (at most a few rounds).</summary>
    private async Task DeliverRepliesAsync(int number, DemoDevice from, DemoDevice to, EncryptedElement? reply, LegacyEncryptedElement? legacyReply,
        CancellationToken cancellationToken)
    {
        for (int round = 0; reply is not null || legacyReply is not null; round++)
        {
            if (round == 4)
            {
                Statistics.Fail($"message {number}: automatic replies between {from} and {to} do not stop");
                return;
            }
            string stanza = OmemoMessageStanza.Build(from.FullJid, to.Jid, "chat", $"r{number}-{round}", reply, legacyReply);
            try
            {
                var (modern, legacy) = OmemoMessageStanza.ParseAll(stanza);
                var result = modern is not null
                    ? await to.Manager.DecryptAsync(from.Jid, modern, cancellationToken).ConfigureAwait(false)
                    : await to.Manager.DecryptLegacyAsync(from.Jid, legacy!, cancellationToken).ConfigureAwait(false);
                if (result.Plaintext is not null) throw new InvalidDataException("the automatic reply carries a payload");
                Statistics.AddReply();
                (reply, legacyReply) = (result.AutomaticReply, result.LegacyAutomaticReply);
                (from, to) = (to, from);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Statistics.Fail($"message {number}: automatic reply from {from} to {to} failed: {e.GetType().Name}: {e.Message}");
                return;
            }
        }
    }
}
