using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Omemo.Crypto;
using Omemo.Keys;
using Spectre.Console;

namespace Omemo.Cli.Commands;

/// <summary>
/// <c>omemo keygen</c>: creates an OMEMO 2 identity (Ed25519 seed), a signed pre-key whose signature is
/// Ed25519 over the raw 32-byte X25519 public key (XEP-0384 section 4.2), and one-time pre-keys; checks the
/// signature, prints the fingerprint and the public bundle, and optionally saves the private state.
/// </summary>
internal static class KeygenCommand
{
    internal static Command Create()
    {
        var preKeys = new Option<int>("--prekeys") { Description = "Number of one-time pre-keys (25..1000).", DefaultValueFactory = _ => 100 };
        var output = new Option<FileInfo?>("--out") { Description = "Write the private key material as JSON to this file (created with mode 600; never overwritten)." };
        var json = new Option<bool>("--json") { Description = "Print the public bundle as JSON instead of a table." };
        var command = new Command("keygen", "Generate an identity, a signed pre-key and one-time pre-keys; print the fingerprint and bundle.")
        {
            preKeys, output, json,
        };
        command.SetAction(parse => CliErrors.Run(() => Execute(parse.GetValue(preKeys), parse.GetValue(output), parse.GetValue(json))));
        return command;
    }

    private static int Execute(int preKeyCount, FileInfo? output, bool asJson)
    {
        if (preKeyCount is < 25 or > 1000) throw new ArgumentException("--prekeys must be between 25 and 1000 (XEP-0384 section 5.3.2).");

        var seed = new byte[Ed25519.SeedSize];
        var identity = new byte[Ed25519.PublicKeySize];
        Ed25519.GenerateSeed(seed);
        Ed25519.DerivePublicKey(seed, identity);

        var spkPrivate = new byte[X25519.KeySize];
        var spkPublic = new byte[X25519.KeySize];
        var spkSignature = new byte[Ed25519.SignatureSize];
        X25519.GeneratePrivateKey(spkPrivate);
        X25519.DerivePublicKey(spkPrivate, spkPublic);
        Ed25519.Sign(seed, spkPublic, spkSignature);
        if (!Ed25519.Verify(identity, spkPublic, spkSignature))
            throw new CryptographicException("Self-check failed: the signed pre-key signature does not verify.");

        var preKeyPrivates = new byte[preKeyCount][];
        var preKeyPublics = new byte[preKeyCount][];
        for (int i = 0; i < preKeyCount; i++)
        {
            preKeyPrivates[i] = new byte[X25519.KeySize];
            preKeyPublics[i] = new byte[X25519.KeySize];
            X25519.GeneratePrivateKey(preKeyPrivates[i]);
            X25519.DerivePublicKey(preKeyPrivates[i], preKeyPublics[i]);
        }

        string fingerprint = Fingerprint.FromEd25519(identity);
        if (output != null) SavePrivate(output, seed, spkPrivate, preKeyPrivates);

        var bundle = new
        {
            ik = Convert.ToBase64String(identity),
            fingerprint,
            spk = new { id = 1, key = Convert.ToBase64String(spkPublic) },
            spks = Convert.ToBase64String(spkSignature),
            prekeys = preKeyPublics.Select((k, i) => new { id = i + 1, key = Convert.ToBase64String(k) }).ToArray(),
        };
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(bundle, new JsonSerializerOptions { WriteIndented = true }));
        }
        else
        {
            var table = new Table().AddColumn("item").AddColumn("value");
            table.AddRow("identity key <ik> (Ed25519)", bundle.ik);
            table.AddRow("fingerprint (Curve25519)", fingerprint);
            table.AddRow("signed pre-key <spk id=1>", bundle.spk.key);
            table.AddRow("signature <spks> (Ed25519, verified)", bundle.spks);
            table.AddRow("one-time pre-keys <pk>", $"{preKeyCount} (ids 1..{preKeyCount}); first: {bundle.prekeys[0].key}");
            AnsiConsole.Write(table);
            if (output != null) AnsiConsole.MarkupLineInterpolated($"private key material written to [bold]{output.FullName}[/]");
        }

        CryptographicOperations.ZeroMemory(seed);
        CryptographicOperations.ZeroMemory(spkPrivate);
        foreach (var k in preKeyPrivates) CryptographicOperations.ZeroMemory(k);
        return 0;
    }

    private static void SavePrivate(FileInfo file, byte[] seed, byte[] spkPrivate, byte[][] preKeyPrivates)
    {
        var state = new
        {
            format = "omemo-native-identity-v1",
            identitySeed = Convert.ToBase64String(seed),
            signedPreKey = new { id = 1, privateKey = Convert.ToBase64String(spkPrivate) },
            preKeys = preKeyPrivates.Select((k, i) => new { id = i + 1, privateKey = Convert.ToBase64String(k) }).ToArray(),
        };
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(file.FullName, options);
        JsonSerializer.Serialize(stream, state, new JsonSerializerOptions { WriteIndented = true });
    }
}
