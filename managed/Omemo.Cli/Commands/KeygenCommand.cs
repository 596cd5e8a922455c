using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Omemo.Keys;
using Omemo.X3dh;
using Omemo.Xml;
using Spectre.Console;

namespace Omemo.Cli.Commands;

/// <summary>
/// <c>omemo keygen</c>: creates an OMEMO 2 identity, a signed pre-key and one-time pre-keys with the engine's
/// <see cref="IdentityKeyPair"/>/<see cref="SignedPreKey"/>/<see cref="PreKey"/>, checks the bundle's signature,
/// parses its own XML back, and prints the fingerprint and the XEP-0384 <c>&lt;bundle&gt;</c> element.
/// Optionally saves the private key material. With <c>--db FILE --jid JID</c> the device is created in a SQLite
/// file through the session manager instead (see <see cref="DeviceDatabase"/>), for the scripting commands.
/// </summary>
internal static class KeygenCommand
{
    /// <summary>Creates the command.</summary>
    internal static Command Create(CliConsole console)
    {
        var preKeys = new Option<int>("--prekeys") { Description = "Number of one-time pre-keys (25..1000).", DefaultValueFactory = _ => 100 };
        var output = new Option<FileInfo?>("--out") { Description = "Write the private key material as JSON to this file (created with mode 600; never overwritten)." };
        var xmlOnly = new Option<bool>("--xml") { Description = "Print only the <bundle> XML (for scripting)." };
        var database = new Option<FileInfo?>("--db") { Description = "Create the device in this SQLite file (for bundle/encrypt/decrypt) instead of printing throw-away keys." };
        var jid = CliOptions.Jid("--jid", "The account's bare JID (with --db).", required: false);
        var command = new Command("keygen", "Generate an identity, a signed pre-key and one-time pre-keys; print the fingerprint and the <bundle> XML.")
        {
            preKeys, output, xmlOnly, database, jid,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(console, async () =>
        {
            var db = parse.GetValue(database);
            string? account = parse.GetValue(jid);
            if (db is null)
            {
                if (account is not null) throw new CliException("--jid goes with --db");
                return Execute(console, parse.GetValue(preKeys), parse.GetValue(output), parse.GetValue(xmlOnly));
            }
            if (account is null) throw new CliException("--db needs --jid JID (the account of the new device)");
            if (parse.GetValue(output) is not null) throw new CliException("--out does not go with --db (the keys stay in the database)");
            if (parse.GetResult(preKeys) is { Implicit: false }) throw new CliException("--prekeys does not go with --db (the session manager keeps 100 pre-keys)");
            await using var device = await DeviceDatabase.CreateAsync(db, CliOptions.BareJid(account, "--jid"), ct).ConfigureAwait(false);
            BundleCommand.Print(console, device, parse.GetValue(xmlOnly));
            return 0;
        }));
        return command;
    }

    private static int Execute(CliConsole console, int preKeyCount, FileInfo? output, bool xmlOnly)
    {
        if (preKeyCount is < 25 or > 1000) throw new ArgumentException("--prekeys must be between 25 and 1000 (XEP-0384 section 5.3.2).");

        using var identity = IdentityKeyPair.Generate();
        var signedPreKey = SignedPreKey.Generate(identity, 1);
        var preKeys = Enumerable.Range(1, preKeyCount).Select(i => PreKey.Generate((uint)i)).ToList();
        var bundle = new Bundle(identity.PublicKey.ToArray(), signedPreKey.Id, signedPreKey.PublicKey, signedPreKey.Signature,
            preKeys.Select(p => p.ToPublic()).ToList());
        if (!bundle.HasValidSignature())
            throw new CryptographicException("Self-check failed: the signed pre-key signature does not verify.");
        string xml = BundleXml.ToXml(bundle);
        if (BundleXml.Parse(xml).PreKeys.Count != preKeyCount)
            throw new CryptographicException("Self-check failed: the bundle XML does not parse back.");

        string fingerprint = Fingerprint.FromEd25519(bundle.IdentityKey);
        if (output != null) SavePrivate(output, identity, signedPreKey, preKeys);

        if (xmlOnly)
        {
            console.Out.WriteLine(xml);
        }
        else
        {
            var table = new Table().AddColumn("item").AddColumn("value");
            table.AddRow("identity key <ik> (Ed25519)", Convert.ToBase64String(bundle.IdentityKey));
            table.AddRow("fingerprint (Curve25519)", fingerprint);
            table.AddRow("signed pre-key <spk id='1'>", Convert.ToBase64String(signedPreKey.PublicKey));
            table.AddRow("<spks> (Ed25519, verified)", Convert.ToBase64String(signedPreKey.Signature));
            table.AddRow("one-time pre-keys <pk>", $"{preKeyCount} (ids 1..{preKeyCount})");
            table.AddRow("<bundle> XML", $"{xml.Length} characters, parsed back");
            console.Ansi.Write(table);
            console.Out.WriteLine(xml.Length > 600 ? xml[..600] + " ..." : xml);
            if (output != null) console.Ansi.MarkupLineInterpolated($"private key material written to [bold]{output.FullName}[/]");
        }
        return 0;
    }

    private static void SavePrivate(FileInfo file, IdentityKeyPair identity, SignedPreKey signedPreKey, IReadOnlyList<PreKey> preKeys)
    {
        byte[] seed = new byte[IdentityKeyPair.SeedSize];
        identity.CopySeedTo(seed);
        try
        {
            var state = new
            {
                format = "omemo-native-identity-v1",
                identitySeed = Convert.ToBase64String(seed),
                signedPreKey = new { id = signedPreKey.Id, privateKey = Convert.ToBase64String(signedPreKey.PrivateKey), signature = Convert.ToBase64String(signedPreKey.Signature) },
                preKeys = preKeys.Select(k => new { id = k.Id, privateKey = Convert.ToBase64String(k.PrivateKey) }).ToArray(),
            };
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(file.FullName, options);
            JsonSerializer.Serialize(stream, state, new JsonSerializerOptions { WriteIndented = true });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }
}
