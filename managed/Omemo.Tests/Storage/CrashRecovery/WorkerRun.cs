using Omemo.CrashWorker;

namespace Omemo.Tests.Storage.CrashRecovery;

/// <summary>
/// How many times one <see cref="WorkerDriver.RunAsync"/> kills the worker. Each kill picks a random command among
/// those left (but the last one, unless it is alone) and a random moment within its expected duration (the mean duration of the commands of its kind
/// acknowledged so far in this run, or <paramref name="PerCommand"/>) counted from the acknowledgement before it.
/// </summary>
/// <param name="Kills">How many kills.</param>
/// <param name="PerCommand">The expected duration of a command of a kind not measured yet.</param>
internal sealed record KillSchedule(int Kills, TimeSpan PerCommand)
{
    public static KillSchedule None { get; } = new(0, TimeSpan.Zero);

    public static KillSchedule Of(int kills, int perCommandMs) => new(kills, TimeSpan.FromMilliseconds(perCommandMs));
}

/// <summary>Kill <paramref name="Delay"/> after the worker acknowledged <paramref name="AfterAcks"/> commands (0: after it is ready).</summary>
internal readonly record struct KillPoint(int AfterAcks, TimeSpan Delay);

/// <summary>One start of the worker: how long it took to be ready, whether and when it was killed, what it acknowledged.</summary>
/// <param name="ReadyMs">From the process start to its ready line.</param>
/// <param name="Kill">The planned kill, if any.</param>
/// <param name="FirstIndex">The first command sent to this start.</param>
/// <param name="Acked">How many commands it acknowledged.</param>
/// <param name="Unacknowledged">When killed: the first unacknowledged command ("none" when all were); null when not killed.</param>
/// <param name="CutLine">Whether the kill cut an acknowledgement line in half (that command counts as unacknowledged).</param>
internal sealed record WorkerStart(long ReadyMs, KillPoint? Kill, int FirstIndex, int Acked, string? Unacknowledged, bool CutLine)
{
    public bool Killed => Unacknowledged is not null;

    public override string ToString() =>
        $"ready in {ReadyMs} ms, {Acked} ACKs from command {FirstIndex}, " +
        (Killed ? $"SIGKILL {Kill!.Value.Delay.TotalMilliseconds:0.0} ms after its ACK {Kill.Value.AfterAcks}, next unacknowledged: {Unacknowledged}" : "ran to the end") +
        (CutLine ? ", last line cut by the kill" : "");
}

/// <summary>The outcome of <see cref="WorkerDriver.RunAsync"/>: exactly one acknowledgement per command.</summary>
internal sealed class WorkerRun(IReadOnlyList<WorkerAck> acks, IReadOnlySet<int> mayRepeat, IReadOnlyList<WorkerStart> starts)
{
    public IReadOnlyList<WorkerAck> Acks { get; } = acks;

    public IReadOnlyList<WorkerStart> Starts { get; } = starts;

    public int Kills => Starts.Count(s => s.Killed);

    /// <summary>
    /// Whether command <paramref name="index"/> may come back as a duplicate: only the first command after a kill
    /// that had been sent to the killed worker (which may have committed it without getting to acknowledge it).
    /// </summary>
    public bool MayBeDuplicate(int index) => mayRepeat.Contains(index);
}
