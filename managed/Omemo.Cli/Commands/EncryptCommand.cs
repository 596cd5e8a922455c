using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Omemo.Errors;
using Omemo.X3dh;
using Omemo.Xml;

namespace Omemo.Cli.Commands;

/// <summary>
/// <c>omemo encrypt --db FILE --to JID [--bundle ID=FILE]... [--message TEXT]</c>: encrypts an SCE envelope (body,
/// from, to, time) for every known device of the recipient and prints the <c>&lt;encrypted&gt;</c> XML. The
/// recipient's devices are those with a session in the database plus those given with <c>--bundle</c>; they are
/// published into the in-memory PEP model as the recipient would, so the session manager builds the missing sessions.
/// </summary>
internal static class EncryptCommand
{
    /// <summary>Creates the command.</summary>
    internal static Command Create(CliConsole console)
    {
        var to = CliOptions.Jid("--to", "The recipient's bare JID.");
        var bundles = new Option<string[]>("--bundle")
        {
            Description = "DEVICEID=FILE: a <bundle> of one of the recipient's devices (from: omemo bundle); needed once per device, until a session exists.",
            AllowMultipleArgumentsPerToken = false,
        };
        var message = new Option<string?>("--message") { Description = "The body text; read from standard input when absent." };
        return DeviceCommand.Create(console, "encrypt", "Encrypt a message for a JID's devices and print the <encrypted> XML.",
            [to, bundles, message], async (parse, device, ct) =>
            {
                string recipient = CliOptions.BareJid(parse.GetValue(to)!, "--to");
                var peerBundles = new List<(uint DeviceId, Bundle Bundle)>();
                foreach (string spec in parse.GetValue(bundles) ?? [])
                    peerBundles.Add(await ReadBundleAsync(spec, ct).ConfigureAwait(false));
                string text = parse.GetValue(message) ?? console.ReadInput("message text (--message)");
                var devices = await KnownDevicesAsync(device, recipient, ct).ConfigureAwait(false);
                devices.UnionWith(peerBundles.Select(b => b.DeviceId));
                if (devices.Count == 0) throw new CliException($"no session with {recipient} yet: give the recipient's bundle with --bundle DEVICEID=FILE");
                if (recipient == device.Manager.Jid) devices.Add(device.Manager.DeviceId);
                device.PublishPeer(recipient, devices, peerBundles);

                byte[] envelope = SceEnvelope.BuildUtf8(new SceEnvelopeContent([SceEnvelope.CreateBody(text)],
                    DateTimeOffset.UtcNow, From: device.Manager.Jid, To: recipient));
                var result = await device.Manager.EncryptAsync([recipient], envelope, ct).ConfigureAwait(false);
                foreach (var failure in result.Failures)
                    console.Error.WriteLine($"warning: left out {CliErrors.DescribeFailure(failure)}");
                console.Out.WriteLine(result.Element.ToXml());
                return 0;
            });
    }

    /// <summary>The devices of <paramref name="jid"/> this device has a session with.</summary>
    private static async Task<HashSet<uint>> KnownDevicesAsync(DeviceDatabase device, string jid, CancellationToken cancellationToken)
    {
        var sessions = await device.Store.GetSessionsAsync(jid, cancellationToken).ConfigureAwait(false);
        foreach (var session in sessions) CryptographicOperations.ZeroMemory(session.State);
        return sessions.Select(s => s.Device.DeviceId).ToHashSet();
    }

    /// <summary>Reads <c>DEVICEID=FILE</c>.</summary>
    /// <exception cref="CliException">The spec is not <c>DEVICEID=FILE</c> or the id is out of range.</exception>
    private static async Task<(uint DeviceId, Bundle Bundle)> ReadBundleAsync(string spec, CancellationToken cancellationToken)
    {
        int equals = spec.IndexOf('=');
        if (equals <= 0 || equals == spec.Length - 1
            || !uint.TryParse(spec.AsSpan(0, equals), NumberStyles.None, CultureInfo.InvariantCulture, out uint deviceId)
            || deviceId is < XmlLimits.MinId or > XmlLimits.MaxId)
            throw new CliException($"--bundle: expected DEVICEID=FILE with a device id in 1..{XmlLimits.MaxId}, got '{spec}'");
        string path = spec[(equals + 1)..];
        string xml = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            return (deviceId, BundleXml.Parse(xml));
        }
        catch (MalformedMessageException e)
        {
            throw new MalformedMessageException($"--bundle {path}: {e.Message}", e);
        }
    }
}
