using System.Diagnostics;
using Omemo.Pep;
using Omemo.Sessions;
using Omemo.Storage;
using Omemo.TrustPolicies;
using Omemo.Xml;

namespace Omemo.Cli.Demo;

/// <summary>
/// A group chat of <see cref="DemoSettings.Members"/> members with <see cref="DemoSettings.DevicesPerMember"/> devices
/// each: every device is a <see cref="SessionManager"/> over its own <see cref="SqliteOmemoStore"/>, and all talk to one
/// <see cref="InMemoryPepService"/> through <see cref="InMemoryPepTransport"/>. Messages travel as serialized
/// <c>&lt;message&gt;</c> stanzas and are parsed again at every recipient device; every check that fails is counted in
/// <see cref="Statistics"/> and the run goes on.
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
                    var manager = await SessionManager.CreateAsync(store, new InMemoryPepTransport(_pep, jid),
                        BlindTrustBeforeVerificationPolicy.Instance, jid, cancellationToken: cancellationToken).ConfigureAwait(false);
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
        EncryptResult result;
        long start = Stopwatch.GetTimestamp();
        try
        {
            // The SCE envelope (body, random padding, time, <from>, and the room as <to>) is built by the library.
            result = await sender.Manager.EncryptContentAsync(_members, [SceEnvelope.CreateBody(body)], settings.Room, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Statistics.Fail($"message {number}: encryption at {sender} failed: {e.GetType().Name}: {e.Message}");
            return;
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        string stanza = OmemoMessageStanza.Build(sender.FullJid, settings.Room, "groupchat", $"m{number}", result.Element);
        Statistics.AddEncryption(elapsed, result.Element.Keys.Count, stanza.Length);
        foreach (var failure in result.Failures)
            Statistics.Fail($"message {number}: {sender} left out {CliErrors.DescribeFailure(failure)}");

        foreach (var device in _devices)
            if (device != sender) await ReceiveAsync(number, device, sender, body, stanza, cancellationToken).ConfigureAwait(false);
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
        long start = Stopwatch.GetTimestamp();
        try
        {
            var element = OmemoMessageStanza.ParseEncrypted(stanza);
            // Parses the envelope and checks <from>/<to> against the sender and the room before committing.
            result = await device.Manager.DecryptContentAsync(sender.Jid, element, settings.Room, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Statistics.Fail($"message {number}: decryption at {device} failed: {e.GetType().Name}: {e.Message}");
            return;
        }
        Statistics.AddDecryption(Stopwatch.GetElapsedTime(start), result.NewSession);
        try
        {
            if (result.IsDuplicate) throw new InvalidDataException("a new message was taken for a duplicate");
            var content = result.Content ?? throw new InvalidDataException("no payload");
            if (content.Body != body) throw new InvalidDataException("the body differs from the one sent");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Statistics.Fail($"message {number}: wrong plaintext at {device}: {e.GetType().Name}: {e.Message}");
        }
        await DeliverRepliesAsync(number, device, sender, result.AutomaticReply, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends automatic replies back and forth through XML until none is due (at most a few rounds).</summary>
    private async Task DeliverRepliesAsync(int number, DemoDevice from, DemoDevice to, EncryptedElement? reply, CancellationToken cancellationToken)
    {
        for (int round = 0; reply is not null; round++)
        {
            if (round == 4)
            {
                Statistics.Fail($"message {number}: automatic replies between {from} and {to} do not stop");
                return;
            }
            string stanza = OmemoMessageStanza.Build(from.FullJid, to.Jid, "chat", $"r{number}-{round}", reply);
            try
            {
                var result = await to.Manager.DecryptAsync(from.Jid, OmemoMessageStanza.ParseEncrypted(stanza), cancellationToken).ConfigureAwait(false);
                if (result.Plaintext is not null) throw new InvalidDataException("the automatic reply carries a payload");
                Statistics.AddReply();
                reply = result.AutomaticReply;
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
