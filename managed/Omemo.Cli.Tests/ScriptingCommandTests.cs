using System.Text.RegularExpressions;
using Omemo.Keys;
using Omemo.Xml;

namespace Omemo.Cli.Tests;

/// <summary>keygen/bundle/encrypt/decrypt between SQLite files, as a script would chain them.</summary>
public sealed partial class ScriptingCommandTests : IDisposable
{
    private const string Alice = "alice@example.org";
    private const string Bob = "bob@example.org";

    private readonly TempDirectory _temp = new();

    /// <inheritdoc />
    public void Dispose() => _temp.Dispose();

    [GeneratedRegex(@"^device id: (?<id>\d+)$")]
    private static partial Regex DeviceIdLine();

    /// <summary>Creates a device with <c>keygen --db</c>, checks its output and returns its device id.</summary>
    private async Task<uint> KeygenAsync(string db, string jid)
    {
        var lines = (await CliRun.InvokeAsync("keygen", "--db", _temp.File(db), "--jid", jid)).Succeeded().OutLines;
        Assert.Equal(4, lines.Length);
        uint id = uint.Parse(DeviceIdLine().Match(lines[0]).Groups["id"].Value);
        Assert.Equal($"jid: {jid}", lines[1]);
        var bundle = BundleXml.Parse(lines[3]);
        Assert.Equal($"fingerprint: {Fingerprint.FromEd25519(bundle.IdentityKey)}", lines[2]);
        Assert.Equal(100, bundle.PreKeys.Count);
        Assert.True(bundle.HasValidSignature());
        return id;
    }

    private async Task<string> EncryptAsync(string db, string to, string text, params string[] bundles)
    {
        string[] args = ["encrypt", "--db", _temp.File(db), "--to", to, .. bundles.SelectMany(b => new[] { "--bundle", b })];
        var run = (await CliRun.WithInputAsync(text + "\n", args)).Succeeded();
        Assert.Equal("", run.Error);
        return Assert.Single(run.OutLines);
    }

    private Task<CliRun> DecryptAsync(string db, string from, string xml, params string[] more) =>
        CliRun.WithInputAsync(xml, ["decrypt", "--db", _temp.File(db), "--from", from, .. more]);

    [Fact]
    public async Task RoundTrip_AliceAndBob_ThroughXmlFiles()
    {
        uint aliceId = await KeygenAsync("alice.db", Alice);
        uint bobId = await KeygenAsync("bob.db", Bob);

        var bundleRun = (await CliRun.InvokeAsync("bundle", "--db", _temp.File("bob.db"), "--out", _temp.File("bob.xml"))).Succeeded();
        Assert.Equal($"{bobId}\n", bundleRun.Out);
        var bobBundle = BundleXml.Parse(File.ReadAllText(_temp.File("bob.xml")));
        var shown = (await CliRun.InvokeAsync("bundle", "--db", _temp.File("bob.db"))).Succeeded().OutLines;
        Assert.Equal([$"device id: {bobId}", $"jid: {Bob}"], shown[..2]);
        Assert.Equal(bobBundle.IdentityKey, BundleXml.Parse(shown[3]).IdentityKey);
        File.Copy(_temp.File("bob.db"), _temp.File("bob-stale.db")); // bob before any message: no session

        // 1. Alice -> Bob, a key exchange built from Bob's bundle file.
        string first = await EncryptAsync("alice.db", Bob, "hello bob", $"{bobId}={_temp.File("bob.xml")}");
        var firstElement = EncryptedElement.Parse(first);
        Assert.Equal(aliceId, firstElement.SenderDeviceId);
        var key = Assert.Single(firstElement.Keys);
        Assert.Equal((Bob, bobId, true), (key.Jid, key.DeviceId, key.IsKeyExchange));

        var received = (await CliRun.InvokeAsync("decrypt", "--db", _temp.File("bob.db"), "--from", Alice,
            "--in", WriteFile("m1.xml", first), "--reply", _temp.File("reply.xml"))).Succeeded();
        Assert.Equal("hello bob\n", received.Out);
        Assert.Equal($"note: automatic reply (KeyExchangeCompletion) written to {_temp.File("reply.xml")}; deliver it to {Alice}\n", received.Error);

        // 2. Bob's automatic reply goes back to Alice: an empty message.
        var reply = EncryptedElement.Parse(File.ReadAllText(_temp.File("reply.xml")));
        Assert.True(reply.IsEmpty);
        Assert.Equal((Alice, aliceId), (reply.Keys[0].Jid, reply.Keys[0].DeviceId));
        var acked = (await DecryptAsync("alice.db", Bob, File.ReadAllText(_temp.File("reply.xml")))).Succeeded();
        Assert.Equal("", acked.Out);
        Assert.Equal("note: an empty OMEMO message (no body): it only advanced the session\n", acked.Error);

        // 3. A second message needs no --bundle: the session is in alice.db, and the key exchange is over.
        string second = await EncryptAsync("alice.db", Bob, "second message");
        Assert.False(Assert.Single(EncryptedElement.Parse(second).Keys).IsKeyExchange);
        var secondRun = (await DecryptAsync("bob.db", Alice, second, "--reply", _temp.File("none.xml"))).Succeeded();
        Assert.Equal("second message\n", secondRun.Out);
        Assert.Equal($"note: no automatic reply is due; {_temp.File("none.xml")} not written\n", secondRun.Error);
        Assert.False(File.Exists(_temp.File("none.xml")));

        // 4. The same message again is a duplicate: a note, exit code 0.
        var duplicate = (await DecryptAsync("bob.db", Alice, second)).Succeeded();
        Assert.Equal(("", "note: duplicate message (already decrypted), ignored\n"), (duplicate.Out, duplicate.Error));

        // 5. Bob answers over his session, wrapped in a <message> stanza this time.
        string answer = await EncryptAsync("bob.db", Alice, "hi alice");
        string stanza = $"<message xmlns='jabber:client' from='{Bob}/phone' to='{Alice}' type='chat'>{answer}<body>fallback</body></message>";
        Assert.Equal("hi alice\n", (await DecryptAsync("alice.db", Bob, stanza)).Succeeded().Out);

        // 6. Bob's copy from before the first message has no session for Alice's normal messages.
        (await DecryptAsync("bob-stale.db", Alice, second)).FailedStartingWith("No session with the sending device");
    }

    [Fact]
    public async Task Errors_AreSingleLines()
    {
        uint bobId = await KeygenAsync("bob.db", Bob);
        await KeygenAsync("alice.db", Alice);
        await KeygenAsync("carol.db", "carol@example.org");
        (await CliRun.InvokeAsync("bundle", "--db", _temp.File("bob.db"), "--out", _temp.File("bob.xml"))).Succeeded();
        string message = await EncryptAsync("alice.db", Bob, "for bob only", $"{bobId}={_temp.File("bob.xml")}");

        (await DecryptAsync("missing.db", Alice, message))
            .FailedWith($"no database file {_temp.File("missing.db")} (create one with: omemo keygen --db FILE --jid JID)");
        (await DecryptAsync("bob.db", Alice, "<encrypted xmlns='urn:xmpp:omemo:2'><header"))
            .FailedWith("<message>: not well-formed XML, or a DTD, or over the size limit (line 1, position 44).");
        (await DecryptAsync("bob.db", Alice, "<iq type='get'/>"))
            .FailedWith("The input is neither an OMEMO <encrypted> element nor a <message> stanza.");
        (await DecryptAsync("carol.db", Alice, message)).FailedWith("The message holds no key for this device.");
        (await CliRun.InvokeAsync("decrypt", "--db", _temp.File("bob.db"), "--from", Alice))
            .FailedWith("no message XML (--in): give it as an option or pipe it into standard input");

        // Decrypted (and its reply due), but the envelope was addressed to Bob, not to the room.
        var wrongRoom = await DecryptAsync("bob.db", Alice, message, "--room", "room@conference.example.org");
        Assert.Equal((1, ""), (wrongRoom.ExitCode, wrongRoom.Out));
        Assert.Equal($"warning: an automatic reply (KeyExchangeCompletion) is due for {Alice}; pass --reply FILE to save it\n"
            + "error: The envelope's <to/> affix names another recipient.\n", wrongRoom.Error);

        File.WriteAllText(_temp.File("empty.db"), "");
        (await CliRun.InvokeAsync("bundle", "--db", _temp.File("empty.db")))
            .FailedWith($"{_temp.File("empty.db")} holds no OMEMO device (create one with: omemo keygen --db FILE --jid JID)");
        File.WriteAllText(_temp.File("junk.db"), "this is not SQLite, it is text long enough to be looked at as a header");
        (await CliRun.InvokeAsync("bundle", "--db", _temp.File("junk.db")))
            .FailedWith("The OMEMO store could not be opened: the file is not a valid database or is damaged.");

        (await CliRun.WithInputAsync("x\n", "encrypt", "--db", _temp.File("alice.db"), "--to", "carol@example.org"))
            .FailedWith("no session with carol@example.org yet: give the recipient's bundle with --bundle DEVICEID=FILE");
        (await CliRun.InvokeAsync("encrypt", "--db", _temp.File("alice.db"), "--to", Bob, "--bundle", "12=" + _temp.File("nope.xml"), "--message", "x"))
            .FailedWith($"Could not find file '{_temp.File("nope.xml")}'.");
        (await CliRun.InvokeAsync("encrypt", "--db", _temp.File("alice.db"), "--to", Bob, "--bundle", "0=x.xml", "--message", "x"))
            .FailedWith("--bundle: expected DEVICEID=FILE with a device id in 1..2147483647, got '0=x.xml'");
        (await CliRun.InvokeAsync("encrypt", "--db", _temp.File("alice.db"), "--to", Bob, "--bundle", "12=" + WriteFile("bad.xml", "<bundle/>"), "--message", "x"))
            .FailedStartingWith($"--bundle {_temp.File("bad.xml")}: <bundle>: expected <bundle xmlns=");
        (await CliRun.InvokeAsync("encrypt", "--db", _temp.File("alice.db"), "--message", "x"))
            .FailedWith("Option '--to' is required. (see omemo --help)");

        (await CliRun.InvokeAsync("keygen", "--db", _temp.File("bob.db"), "--jid", Bob))
            .FailedWith($"{_temp.File("bob.db")} already holds device {bobId} of {Bob} (see: omemo bundle --db FILE)");
        (await CliRun.InvokeAsync("keygen", "--db", _temp.File("new.db"))).FailedWith("--db needs --jid JID (the account of the new device)");
        (await CliRun.InvokeAsync("keygen", "--db", _temp.File("new.db"), "--jid", Bob, "--prekeys", "50"))
            .FailedWith("--prekeys does not go with --db (the session manager keeps 100 pre-keys)");
        (await CliRun.InvokeAsync("keygen", "--jid", Bob)).FailedWith("--jid goes with --db");
    }

    [Fact]
    public async Task Keygen_WithoutDb_StillPrintsThrowAwayKeys()
    {
        var run = (await CliRun.InvokeAsync("keygen", "--xml", "--prekeys", "30")).Succeeded();
        var bundle = BundleXml.Parse(Assert.Single(run.OutLines));
        Assert.Equal(30, bundle.PreKeys.Count);
        Assert.True(bundle.HasValidSignature());
    }

    private string WriteFile(string name, string text)
    {
        string path = _temp.File(name);
        File.WriteAllText(path, text);
        return path;
    }
}
