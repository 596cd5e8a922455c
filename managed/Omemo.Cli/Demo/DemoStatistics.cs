namespace Omemo.Cli.Demo;

/// <summary>What a demo run counted and measured (times with <see cref="System.Diagnostics.Stopwatch"/>).</summary>
internal sealed class DemoStatistics
{
    /// <summary>How many failure descriptions are kept (all are counted).</summary>
    internal const int KeptFailures = 20;

    private readonly List<string> _failures = [];

    /// <summary>Messages sent (encryptions that succeeded).</summary>
    internal int Messages { get; private set; }

    /// <summary>Recipient devices the messages were encrypted for (<c>&lt;key&gt;</c> elements).</summary>
    internal long RecipientKeys { get; private set; }

    /// <summary>Successful decryptions of group messages (one per message and recipient device).</summary>
    internal long Decryptions { get; private set; }

    /// <summary>Decryptions that built a new session (key exchanges).</summary>
    internal long KeyExchanges { get; private set; }

    /// <summary>Automatic replies delivered back to the sender device and decrypted there.</summary>
    internal long Replies { get; private set; }

    /// <summary>Characters of the <c>&lt;message&gt;</c> stanzas sent to the group.</summary>
    internal long StanzaCharacters { get; private set; }

    /// <summary>Time spent in <c>EncryptAsync</c>.</summary>
    internal TimeSpan EncryptTime { get; private set; }

    /// <summary>Time spent parsing stanzas and in <c>DecryptAsync</c> for group messages.</summary>
    internal TimeSpan DecryptTime { get; private set; }

    /// <summary>Time to create (or open) every device, publishing its bundle and device list.</summary>
    internal TimeSpan SetupTime { get; set; }

    /// <summary>Time of the whole run (setup and messages).</summary>
    internal TimeSpan TotalTime { get; set; }

    /// <summary>Every failure: exceptions, mismatches, devices left out of a message.</summary>
    internal int FailureCount { get; private set; }

    /// <summary>The first <see cref="KeptFailures"/> failure descriptions.</summary>
    internal IReadOnlyList<string> Failures => _failures;

    /// <summary>Records one encryption.</summary>
    internal void AddEncryption(TimeSpan elapsed, int keys, int stanzaCharacters)
    {
        Messages++;
        RecipientKeys += keys;
        StanzaCharacters += stanzaCharacters;
        EncryptTime += elapsed;
    }

    /// <summary>Records one decryption of a group message.</summary>
    internal void AddDecryption(TimeSpan elapsed, bool newSession)
    {
        Decryptions++;
        DecryptTime += elapsed;
        if (newSession) KeyExchanges++;
    }

    /// <summary>Group messages decrypted as legacy OMEMO 0.3 (part of the decryptions).</summary>
    internal long LegacyDecryptions { get; private set; }

    /// <summary>Member accounts left out of a message because they share no OMEMO version with the sender.</summary>
    internal long Unreachable { get; private set; }

    /// <summary>Records a legacy decryption.</summary>
    internal void AddLegacyDecryption() => LegacyDecryptions++;

    /// <summary>Records members a message could not reach.</summary>
    internal void AddUnreachable(int members) => Unreachable += members;

    /// <summary>Records one delivered automatic reply.</summary>
    internal void AddReply() => Replies++;

    /// <summary>Records one failure.</summary>
    internal void Fail(string description)
    {
        FailureCount++;
        if (_failures.Count < KeptFailures) _failures.Add(CliErrors.OneLine(description));
    }
}
