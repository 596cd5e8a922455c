using Omemo.Sessions;
using Omemo.Storage;
using Omemo.Tests.Storage.CrashRecovery;
using Xunit.Abstractions;

namespace Omemo.Tests.Storage;

/// <summary>
/// Issue 4's crash test: a device on a <see cref="SqliteOmemoStore"/> runs in a child process (Omemo.CrashWorker)
/// that is SIGKILLed at random points, during a 1,000-device fan-out and during decrypt bursts, and restarted with
/// the first unacknowledged command. Acknowledged means: the engine returned (committed), then the worker wrote the
/// line. Checked: every acknowledged message decrypts at every recipient with its plaintext; no message key is used
/// twice and no acknowledged session is built again (<see cref="KeyLedger"/>); after a restart every session
/// decrypts the next messages; a decryption the worker committed survives (a resent one is a duplicate, allowed only
/// for the command in progress at a kill; every acknowledged one, resent at the end, is a duplicate); the SQLite
/// file passes <c>integrity_check</c>. Other devices are in-memory managers in this process; everything between the
/// processes is real XML. The seed is printed; <c>OMEMO_CRASH_SEED</c> repeats a schedule.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const string Alice = "alice@example.org";
    private const string Bob = "bob@example.org";

    [Fact]
    public Task FanOutTo1000Devices_SurvivesSigkill() => CrashLab.RunAsync(output, async lab =>
    {
        var jids = Jids("r", 10);
        var recipients = await lab.CreateDevicesAsync(jids, 100);
        lab.Log($"{recipients.Count} recipient devices of {jids.Count} JIDs created, {lab.PepLog.Count} PEP items recorded");
        var alice = lab.Worker(Alice);
        var ledger = new KeyLedger();

        // Phase 1: the first fan-out builds 1,000 sessions (X3DH) and commits them in one batch; both kills land in it.
        var first = new CommandScript();
        first.Encrypt(jids, lab.Text("first fan-out"), recipients.Count);
        var firstRun = await alice.RunAsync("first fan-out", first.Commands(), KillSchedule.Of(2, 600));
        Assert.True(firstRun.Starts[0].Killed && firstRun.Starts[0].Acked == 0, "The first kill must land in the first fan-out.");
        var firstSent = first.Check(firstRun, ledger, "first fan-out").Sent;

        // Phase 2: more fan-outs, each one batch of 1,000 updated sessions.
        var more = new CommandScript();
        for (int i = 0; i < 11; i++) more.Encrypt(jids, lab.Text($"fan-out {i}"), recipients.Count);
        var moreRun = await alice.RunAsync("fan-outs", more.Commands(), KillSchedule.Of(3, 150));
        var moreSent = more.Check(moreRun, ledger, "fan-outs").Sent;
        var replies = await CrashLab.DeliverAsync(recipients, Alice, [.. firstSent, .. moreSent]);
        lab.Log($"{firstSent.Count + moreSent.Count} acknowledged fan-outs decrypted by all {recipients.Count} devices");

        // Phase 3: Alice decrypts the answers of 200 devices (completing their key exchanges) between more fan-outs.
        var answered = recipients.Where(d => d.Jid == jids[0] || d.Jid == jids[1]).ToList();
        var mixed = new CommandScript();
        for (int i = 0; i < answered.Count; i++)
        {
            mixed.Decrypt(answered[i], replies[answered[i]], null);
            if (i % 50 == 49) mixed.Encrypt(jids, lab.Text($"mixed {i}"), recipients.Count);
        }
        var mixedRun = await alice.RunAsync("answers + fan-outs", mixed.Commands(), KillSchedule.Of(3, 10));
        var mixedOutcome = mixed.Check(mixedRun, ledger, "answers + fan-outs");
        await CrashLab.DeliverAsync(recipients, Alice, mixedOutcome.Sent);

        // Phase 4, no more kills: the next messages decrypt everywhere, exactly the answered devices are past the key
        // exchange, and every answer decrypted before is now a duplicate.
        var final = new CommandScript();
        for (int i = 0; i < 2; i++) final.Encrypt(jids, lab.Text($"after the kills {i}"), recipients.Count);
        final.Replay(mixed);
        var finalSent = final.Check(await alice.RunAsync("after the kills", final.Commands(), KillSchedule.None), ledger, "after the kills").Sent;
        await CrashLab.DeliverAsync(recipients, Alice, finalSent);
        var completed = answered.Select(d => (d.Jid, d.DeviceId)).ToHashSet();
        foreach (var key in finalSent[^1].Element.Keys)
            Assert.True(key.IsKeyExchange != completed.Contains((key.Jid, key.DeviceId)), $"{key.Jid}/{key.DeviceId}: key exchange state lost.");

        Assert.Equal("ok", await lab.IntegrityCheckAsync(Alice));
        int kills = firstRun.Kills + moreRun.Kills + mixedRun.Kills;
        lab.Log($"fan-out summary: {kills} SIGKILLs ({firstRun.Kills} in the first fan-out, {moreRun.Kills} in later fan-outs, " +
            $"{mixedRun.Kills} in answers + fan-outs); {firstSent.Count + moreSent.Count + mixedOutcome.Sent.Count + finalSent.Count} " +
            $"fan-outs to {recipients.Count} devices acknowledged and decrypted everywhere; {answered.Count} answers decrypted " +
            $"({mixedOutcome.DuplicatesAfterKill} committed just before a kill came back as duplicates); {ledger.MessageKeys} distinct " +
            $"message keys; first fan-out {firstRun.Acks[0].Elapsed.TotalMilliseconds:0} ms, later ones {Range(moreRun)}");
        Assert.Equal(8, kills);
    });

    [Fact]
    public Task DecryptBurst_SurvivesSigkill() => CrashLab.RunAsync(output, async lab =>
    {
        var jids = Jids("s", 4);
        var senders = await lab.CreateDevicesAsync(jids, 5);
        var (bobDevice, bobBundle) = await lab.CreateStoredDeviceAsync(Bob);
        var bob = lab.Worker(Bob);
        var ledger = new KeyLedger();

        // Phase 1: key exchanges, senders joining in five waves, each on its own pre-key of Bob's bundle (no collisions).
        var kexBurst = new CommandScript();
        var joined = new List<SessionManager>();
        for (int round = 0; round < 8; round++)
        {
            foreach (var sender in Shuffle(lab.Random, senders.Take(4 * (round + 1))))
            {
                if (!joined.Contains(sender))
                {
                    joined.Add(sender);
                    await lab.PublishBundleAsync(Bob, bobDevice, bobBundle with { PreKeys = [bobBundle.PreKeys[joined.Count - 1]] });
                }
                await kexBurst.SendAsync(sender, Bob, lab.Text($"kex burst {round}"));
            }
        }
        int swaps = kexBurst.SwapSomeNeighbours(lab.Random, 0.3);
        var kexRun = await bob.RunAsync("key-exchange burst", kexBurst.Commands(), KillSchedule.Of(4, 10));
        var kexOutcome = kexBurst.Check(kexRun, ledger, "key-exchange burst");

        // Bob's last automatic reply completes each session, except for the devices of the last JID (they keep sending key exchanges).
        foreach (var (sender, reply) in kexOutcome.Replies.Where(r => r.Key.Jid != jids[^1]))
            Assert.Null((await sender.DecryptAsync(Bob, reply)).Plaintext);

        // Phase 2: a burst of follow-up messages.
        var followUps = new CommandScript();
        for (int round = 0; round < 5; round++)
            foreach (var sender in Shuffle(lab.Random, senders))
                await followUps.SendAsync(sender, Bob, lab.Text($"burst {round}"));
        swaps += followUps.SwapSomeNeighbours(lab.Random, 0.3);
        var followUpRun = await bob.RunAsync("follow-up burst", followUps.Commands(), KillSchedule.Of(3, 10));
        var followUpOutcome = followUps.Check(followUpRun, ledger, "follow-up burst");

        // Phase 3, no more kills: Bob answers every sender device; each decrypts.
        var answers = new CommandScript();
        for (int i = 0; i < 2; i++) answers.Encrypt(jids, lab.Text($"answer {i}"), senders.Count);
        var answersSent = answers.Check(await bob.RunAsync("answers", answers.Commands(), KillSchedule.None), ledger, "answers").Sent;
        await CrashLab.DeliverAsync(senders, Bob, answersSent);

        // Phase 4: every sender device writes once more and Bob decrypts it; every earlier message is now a duplicate.
        var last = new CommandScript();
        foreach (var sender in senders) await last.SendAsync(sender, Bob, lab.Text("last"));
        last.Replay(kexBurst);
        last.Replay(followUps);
        last.Check(await bob.RunAsync("last + replays", last.Commands(), KillSchedule.None), ledger, "last + replays");

        var pinned = bobBundle.PreKeys.Take(senders.Count).Select(p => p.Id).ToHashSet();
        await using (var store = await SqliteOmemoStore.OpenAsync(lab.StorePath(Bob)))
        {
            var preKeys = await store.GetPreKeysAsync();
            Assert.Equal(bobBundle.PreKeys.Count, preKeys.Count);
            Assert.DoesNotContain(preKeys, p => pinned.Contains(p.Id));
        }
        Assert.Equal("ok", await lab.IntegrityCheckAsync(Bob));
        int kills = kexRun.Kills + followUpRun.Kills;
        lab.Log($"burst summary: {kills} SIGKILLs ({kexRun.Kills} during key exchanges, {followUpRun.Kills} during follow-ups), " +
            $"{kexBurst.Count + followUps.Count} messages from {senders.Count} devices acknowledged ({swaps} delivered out of order, " +
            $"{kexOutcome.DuplicatesAfterKill + followUpOutcome.DuplicatesAfterKill} committed before a kill came back as duplicates), " +
            $"{pinned.Count} pre-keys consumed and replaced, {ledger.MessageKeys} distinct message keys sent by Bob");
        Assert.Equal(7, kills);
    });

    private static string Range(WorkerRun run) =>
        $"{run.Acks.Min(a => a.Elapsed).TotalMilliseconds:0}-{run.Acks.Max(a => a.Elapsed).TotalMilliseconds:0} ms";

    private static List<string> Jids(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => $"{prefix}{i}@example.org").ToList();

    private static List<T> Shuffle<T>(Random random, IEnumerable<T> items)
    {
        var list = items.ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list));
        return list;
    }
}
