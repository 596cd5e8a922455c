using System.CommandLine;
using System.Security.Cryptography;
using Omemo.Xml;

namespace Omemo.Cli.Commands;

/// <summary>
/// <c>omemo bundle --db FILE [--out FILE]</c>: prints the stored device's XEP-0384 <c>&lt;bundle&gt;</c> element
/// (as <see cref="Sessions.SessionManager.GetBundle"/> publishes it) and its device id.
/// </summary>
internal static class BundleCommand
{
    /// <summary>Creates the command.</summary>
    internal static Command Create(CliConsole console)
    {
        var output = new Option<FileInfo?>("--out")
        {
            Description = "Write the <bundle> XML to this file and print only the device id (for: ID=$(omemo bundle --db bob.db --out bob.xml)).",
        };
        return DeviceCommand.Create(console, "bundle", "Print the stored device's id and <bundle> XML (the input of: omemo encrypt --bundle ID=FILE).",
            [output], async (parse, device, ct) =>
            {
                if (parse.GetValue(output) is { } file)
                {
                    await File.WriteAllTextAsync(file.FullName, Xml(device) + "\n", ct).ConfigureAwait(false);
                    console.Out.WriteLine(device.Manager.DeviceId);
                }
                else
                {
                    Print(console, device, xmlOnly: false);
                }
                return 0;
            });
    }

    /// <summary>
    /// Prints the device (<c>device id:</c>, <c>jid:</c>, <c>fingerprint:</c> lines) and its <c>&lt;bundle&gt;</c> XML,
    /// or only the XML.
    /// </summary>
    internal static void Print(CliConsole console, DeviceDatabase device, bool xmlOnly)
    {
        string xml = Xml(device);
        if (!xmlOnly)
        {
            console.Out.WriteLine($"device id: {device.Manager.DeviceId}");
            console.Out.WriteLine($"jid: {device.Manager.Jid}");
            console.Out.WriteLine($"fingerprint: {device.Manager.Fingerprint}");
        }
        console.Out.WriteLine(xml);
    }

    /// <summary>The device's <c>&lt;bundle&gt;</c> XML, checked: the signature verifies and the XML parses back.</summary>
    /// <exception cref="CryptographicException">The self-check failed.</exception>
    internal static string Xml(DeviceDatabase device)
    {
        var bundle = device.Manager.GetBundle();
        string xml = BundleXml.ToXml(bundle);
        if (!bundle.HasValidSignature() || BundleXml.Parse(xml).PreKeys.Count != bundle.PreKeys.Count)
            throw new CryptographicException("Self-check failed: the stored bundle does not verify or parse back.");
        return xml;
    }
}
