using Omemo.CrashWorker;
using Omemo.Sessions;
using Omemo.Xml;

namespace Omemo.Tests.Storage.CrashRecovery;

/// <summary>
/// The commands of one phase for the worker, with what each must come to: an <see cref="EncryptCommand"/> must
/// reach exactly its number of devices, a <see cref="DecryptCommand"/> must give back its plaintext (or be an empty
/// message); a duplicate is accepted only where <see cref="WorkerRun.MayBeDuplicate"/> allows it.
/// </summary>
internal sealed class CommandScript
{
    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    /// <summary>The commands, numbered in order.</summary>
    public IReadOnlyList<WorkerCommand> Commands() => _entries.Select((e, i) => e.ToCommand(i)).ToList();

    public void Encrypt(IReadOnlyList<string> recipients, byte[] plaintext, int devices) =>
        _entries.Add(new Entry(null, recipients, null, plaintext, devices, AckOutcome.Encrypted));

    /// <summary>A decryption that must give <paramref name="plaintext"/> (null: an empty message).</summary>
    public void Decrypt(SessionManager from, EncryptedElement element, byte[]? plaintext) =>
        _entries.Add(new Entry(from, [], element, plaintext, 0, plaintext is null ? AckOutcome.Empty : AckOutcome.Decrypted));

    /// <summary>Every decryption of <paramref name="earlier"/> again: each must now be a duplicate.</summary>
    public void Replay(CommandScript earlier)
    {
        foreach (var entry in earlier._entries.Where(e => e.From is not null))
            _entries.Add(entry with { Expected = AckOutcome.Duplicate });
    }

    /// <summary>Encrypts <paramref name="plaintext"/> on <paramref name="from"/> for <paramref name="to"/> and adds its decryption.</summary>
    public async Task SendAsync(SessionManager from, string to, byte[] plaintext)
    {
        var sent = await from.EncryptAsync([to], plaintext);
        if (!sent.Element.Keys.Any(k => k.Jid == to))
            throw new CrashTestFailedException($"{from.Jid}/{from.DeviceId} did not encrypt for {to}.");
        Decrypt(from, sent.Element, plaintext);
    }

    /// <summary>Swaps, with probability <paramref name="p"/>, consecutive decryptions of the same sender device (out-of-order delivery).</summary>
    public int SwapSomeNeighbours(Random random, double p)
    {
        int swaps = 0;
        foreach (var positions in Enumerable.Range(0, _entries.Count).Where(i => _entries[i].From is not null).GroupBy(i => _entries[i].From!))
        {
            var list = positions.ToList();
            for (int j = 0; j + 1 < list.Count; j++)
            {
                if (random.NextDouble() >= p) continue;
                (_entries[list[j]], _entries[list[j + 1]]) = (_entries[list[j + 1]], _entries[list[j]]);
                swaps++;
                j++;
            }
        }
        return swaps;
    }

    /// <summary>Checks every acknowledgement; adds what the worker sent (messages, automatic replies) to <paramref name="ledger"/>.</summary>
    public ScriptOutcome Check(WorkerRun run, KeyLedger ledger, string phase)
    {
        var outcome = new ScriptOutcome();
        for (int i = 0; i < _entries.Count; i++)
        {
            var entry = _entries[i];
            var ack = run.Acks[i];
            string what = $"{phase}, command {i}";
            var expected = entry.Expected;
            if (ack.Outcome == AckOutcome.Duplicate && expected is AckOutcome.Decrypted or AckOutcome.Empty && run.MayBeDuplicate(i))
            {
                outcome.DuplicatesAfterKill++;
                continue;
            }
            if (ack.Outcome != expected)
                throw new CrashTestFailedException($"{what}: {ack.Outcome} {ack.Detail}, expected {expected}.");
            if (expected == AckOutcome.Duplicate) continue;
            if (expected == AckOutcome.Decrypted && ack.Detail != CommandRunner.Sha256Hex(entry.Plaintext!))
                throw new CrashTestFailedException($"{what}: decrypted to the wrong plaintext.");
            if (ack.Xml is null) continue;
            var element = EncryptedElement.Parse(ack.Xml);
            ledger.Add(element, what);
            if (entry.From is { } sender) outcome.Replies[sender] = element; // the last automatic reply to each sender wins
            else if (ack.Detail != "0" || element.Keys.Count != entry.Devices)
                throw new CrashTestFailedException($"{what}: encrypted for {element.Keys.Count} devices ({ack.Detail} left out), expected {entry.Devices}.");
            else outcome.Sent.Add(new SentMessage(i, element, entry.Plaintext!));
        }
        return outcome;
    }

    private sealed record Entry(SessionManager? From, IReadOnlyList<string> Recipients, EncryptedElement? Element, byte[]? Plaintext,
        int Devices, AckOutcome Expected)
    {
        public WorkerCommand ToCommand(int seq) => From is null
            ? new EncryptCommand(seq, Recipients, Plaintext!)
            : new DecryptCommand(seq, From.Jid, Element!.ToXml());
    }
}

/// <summary>What the worker sent during a phase, and how many commands resent after a kill came back as duplicates.</summary>
internal sealed class ScriptOutcome
{
    /// <summary>The acknowledged encrypted messages, in order.</summary>
    public List<SentMessage> Sent { get; } = [];

    /// <summary>The last automatic reply the worker produced for each sender device.</summary>
    public Dictionary<SessionManager, EncryptedElement> Replies { get; } = [];

    /// <summary>Commands the killed worker had committed without acknowledging them, answered as duplicates after the restart.</summary>
    public int DuplicatesAfterKill { get; set; }
}
