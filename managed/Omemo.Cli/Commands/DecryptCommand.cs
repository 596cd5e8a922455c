using System.CommandLine;
using Omemo.Errors;
using Omemo.Sessions;
using Omemo.Xml;

namespace Omemo.Cli.Commands;

/// <summary>
/// <c>omemo decrypt --db FILE --from JID [--in FILE] [--reply FILE] [--room JID]</c>: decrypts an
/// <c>&lt;encrypted&gt;</c> element (or a <c>&lt;message&gt;</c> stanza carrying one), checks the SCE envelope's
/// affixes and prints the body text. An automatic reply that is due (key exchange completion, heartbeat) is written
/// to <c>--reply</c>; a duplicate is noted on standard error and ignored (exit code 0).
/// </summary>
internal static class DecryptCommand
{
    /// <summary>Creates the command.</summary>
    internal static Command Create(CliConsole console)
    {
        var from = CliOptions.Jid("--from", "The sender's JID.");
        var input = new Option<FileInfo?>("--in") { Description = "The <encrypted> (or <message>) XML; read from standard input when absent." };
        var reply = new Option<FileInfo?>("--reply") { Description = "Write the automatic reply's <encrypted> XML here when one is due (send it back to the sender)." };
        var room = CliOptions.Jid("--room", "The group chat the message was sent to (its JID must be the envelope's <to/> affix).", required: false);
        return DeviceCommand.Create(console, "decrypt", "Decrypt an <encrypted> element and print the body text.",
            [from, input, reply, room], async (parse, device, ct) =>
            {
                string sender = CliOptions.BareJid(parse.GetValue(from)!, "--from");
                string? groupChat = parse.GetValue(room) is { } r ? CliOptions.BareJid(r, "--room") : null;
                string xml = await CliOptions.ReadTextAsync(console, parse.GetValue(input), "message XML (--in)", ct).ConfigureAwait(false);
                var element = OmemoMessageStanza.ParseEncrypted(xml);
                DecryptResult result;
                try
                {
                    result = await device.Manager.DecryptAsync(sender, element, ct).ConfigureAwait(false);
                }
                catch (DuplicateMessageException)
                {
                    return NoteDuplicate(console);
                }
                if (result.IsDuplicate) return NoteDuplicate(console);

                await SaveReplyAsync(console, result, sender, parse.GetValue(reply), ct).ConfigureAwait(false);
                if (result.Plaintext is null)
                {
                    console.Error.WriteLine("note: an empty OMEMO message (no body): it only advanced the session");
                    return 0;
                }
                var content = SceEnvelope.Parse(result.Plaintext);
                // A copy of the own account's message (another own device sent it) is addressed to someone else.
                string recipient = groupChat ?? (sender == device.Manager.Jid ? content.To ?? sender : device.Manager.Jid);
                SceEnvelope.VerifyAffixes(content, sender, recipient, isGroupChat: groupChat is not null);
                console.Out.WriteLine(content.Body ?? throw new MalformedMessageException("The envelope carries no <body>."));
                return 0;
            });
    }

    private static int NoteDuplicate(CliConsole console)
    {
        console.Error.WriteLine("note: duplicate message (already decrypted), ignored");
        return 0;
    }

    private static async Task SaveReplyAsync(CliConsole console, DecryptResult result, string sender, FileInfo? file, CancellationToken cancellationToken)
    {
        if (result.AutomaticReply is null)
        {
            if (file is not null) console.Error.WriteLine($"note: no automatic reply is due; {file.FullName} not written");
            return;
        }
        string why = result.ReplyReason == AutomaticReplyReason.None ? "" : $" ({result.ReplyReason})";
        if (file is null)
        {
            console.Error.WriteLine($"warning: an automatic reply{why} is due for {sender}; pass --reply FILE to save it");
            return;
        }
        await File.WriteAllTextAsync(file.FullName, result.AutomaticReply.ToXml() + "\n", cancellationToken).ConfigureAwait(false);
        console.Error.WriteLine($"note: automatic reply{why} written to {file.FullName}; deliver it to {sender}");
    }
}
