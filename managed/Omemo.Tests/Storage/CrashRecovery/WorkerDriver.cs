using System.Diagnostics;
using Omemo.CrashWorker;

namespace Omemo.Tests.Storage.CrashRecovery;

/// <summary>
/// Runs a list of commands on the worker of one SQLite device, SIGKILLing it per a <see cref="KillSchedule"/> and
/// restarting it each time with the first unacknowledged command, until every command is acknowledged.
/// Acknowledgements already in the pipe when the worker dies count (they were written after the commit).
/// </summary>
internal sealed class WorkerDriver(CrashLab lab, string jid)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>The worker's device id (it must stay the same across restarts).</summary>
    public uint DeviceId { get; private set; }

    public async Task<WorkerRun> RunAsync(string phase, IReadOnlyList<WorkerCommand> commands, KillSchedule schedule)
    {
        lab.PepLog.Save(lab.PepLogPath);
        var acks = new WorkerAck[commands.Count];
        var mayRepeat = new HashSet<int>();
        var starts = new List<WorkerStart>();
        int next = 0;
        while (next < commands.Count)
        {
            var kill = starts.Count(s => s.Killed) < schedule.Kills ? PickKill(schedule, commands, acks, next) : (KillPoint?)null;
            var (start, writtenAtKill) = await StartOnceAsync(commands, acks, next, kill);
            starts.Add(start);
            next = start.FirstIndex + start.Acked;
            lab.Log($"{phase}, start {starts.Count}: {start}");
            if (start.Killed && next < commands.Count && next < writtenAtKill) mayRepeat.Add(next);
        }
        return new WorkerRun(acks, mayRepeat, starts);
    }

    private async Task<(WorkerStart Start, int WrittenAtKill)> StartOnceAsync(IReadOnlyList<WorkerCommand> commands, WorkerAck[] acks,
        int first, KillPoint? kill)
    {
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(Timeout);
        using var worker = WorkerProcess.Start(lab.StorePath(jid), jid, lab.PepLogPath);
        string? line = await worker.ReadLineAsync(timeout.Token);
        if (!WorkerReady.TryParse(line, out uint deviceId))
        {
            worker.Kill();
            var (code, errors) = await worker.WaitForExitAsync(timeout.Token);
            throw new CrashTestFailedException($"The worker of {jid} did not start (exit {code}): {errors}");
        }
        if (DeviceId != 0 && DeviceId != deviceId)
            throw new CrashTestFailedException($"The worker of {jid} came back as device {deviceId}, not {DeviceId}: the stored identity was lost.");
        DeviceId = deviceId;
        long readyMs = clock.ElapsedMilliseconds;
        // With a kill planned, the worker gets the commands up to the one after the target, then nothing until the kill.
        // The last command of the phase is held back too (unless it is the only one), so the kill never finds the work
        // done and every planned kill lands (at worst while the worker waits for input).
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int hold = commands.Count == 1 ? 1 : Math.Min((kill?.AfterAcks ?? 0) + 2, commands.Count - first - 1);
        var writer = worker.WriteAllAsync([.. commands.Skip(first)], kill is null ? null : (hold, killed.Task));
        using var cancelKill = new CancellationTokenSource();
        int writtenAtKill = int.MaxValue;
        var killer = Task.CompletedTask;
        async Task KillLaterAsync(TimeSpan delay)
        {
            try
            {
                await Task.Delay(delay, cancelKill.Token);
                writtenAtKill = first + worker.Written;
                worker.Kill();
            }
            catch (OperationCanceledException)
            {
                // the worker ended first
            }
            finally
            {
                killed.TrySetResult();
            }
        }

        int next = first;
        bool cut = false;
        if (kill is { AfterAcks: 0 } now) killer = KillLaterAsync(now.Delay);
        while (await worker.ReadLineAsync(timeout.Token) is { } ackLine)
        {
            if (!WorkerAck.TryParse(ackLine, out var ack)) { cut = true; continue; }
            if (cut || next >= commands.Count || ack!.Seq != commands[next].Seq)
                throw new CrashTestFailedException($"The worker of {jid} acknowledged out of order: '{Shorten(ackLine)}' after command {next}.");
            acks[next++] = ack;
            if (kill is { } k && k.AfterAcks == next - first) killer = KillLaterAsync(k.Delay);
        }
        await cancelKill.CancelAsync();
        await killer;
        await writer;
        var (exitCode, stderr) = await worker.WaitForExitAsync(timeout.Token);
        bool wasKilled = writtenAtKill != int.MaxValue && exitCode == WorkerProcess.KilledExitCode;
        if (!wasKilled && (exitCode != 0 || next < commands.Count || cut))
            throw new CrashTestFailedException($"The worker of {jid} exited with {exitCode} after command {next} of {commands.Count}: {stderr}");
        string? pending = !wasKilled ? null : next < commands.Count ? $"command {next} ({commands[next].GetType().Name})" : "none";
        return (new WorkerStart(readyMs, kill, first, next - first, pending, cut), writtenAtKill);
    }

    /// <summary>A random command among those left (but the last, unless alone) and a random moment within its expected duration.</summary>
    private KillPoint PickKill(KillSchedule schedule, IReadOnlyList<WorkerCommand> commands, WorkerAck[] acks, int next)
    {
        int left = commands.Count - next;
        int after = left == 1 ? 0 : lab.Random.Next(left - 1);
        var kind = commands[next + after].GetType();
        var measured = Enumerable.Range(0, next).Where(i => commands[i].GetType() == kind).Select(i => acks[i].Elapsed.Ticks).ToList();
        var expected = measured.Count == 0 ? schedule.PerCommand : TimeSpan.FromTicks((long)measured.Average());
        return new KillPoint(after, expected * lab.Random.NextDouble());
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "...";
}
