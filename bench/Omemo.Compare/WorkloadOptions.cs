using System.Globalization;

namespace Omemo.Compare;

/// <summary>
/// What one engine harness runs: the device counts of each workload, the repetitions and the minimum duration of a
/// repetition. The same command-line arguments drive all three harnesses (ours, python, C), including
/// <c>--namespace</c>, which selects legacy OMEMO 0.3 (<see cref="Protocol"/>; the OMEMO 2 default is not written).
/// </summary>
/// <param name="W1">Device counts of W1 (next-message fan-out).</param>
/// <param name="W2">Device counts of W2 (first message).</param>
/// <param name="W3">Messages decrypted per repetition in W3 (decrypt follow-up).</param>
/// <param name="W4">Devices of W4 (encrypt including the XML), 0 to skip.</param>
/// <param name="Reps">Timed repetitions per workload and N (the report gives their median).</param>
/// <param name="MinMs">Minimum duration of one repetition (short passes are repeated K times within it).</param>
/// <param name="MaxSeconds">Python only: a workload whose repetitions would take longer in total is skipped.</param>
public sealed record WorkloadOptions(int[] W1, int[] W2, int W3, int W4, int Reps, double MinMs, double MaxSeconds = 120)
{
    /// <summary>The full comparison for our engine and libomemo-c.</summary>
    public static WorkloadOptions Full => new([1, 10, 100, 1000, 10000], [1, 10, 100, 1000], 300, 1000, 7, 20);

    /// <summary>The full comparison for python-omemo: N capped at 1,000 (W1) and 100 (W2) to keep the run short.</summary>
    public static WorkloadOptions FullPython => Full with { W1 = [1, 10, 100, 1000], W2 = [1, 10, 100], Reps = 5 };

    /// <summary>The CI smoke run: every workload at N = 1..2, one repetition.</summary>
    public static WorkloadOptions Smoke => new([1, 2], [1, 2], 3, 2, 1, 0);

    /// <summary>The sessions a harness establishes: enough for the largest W1 and W4, at least one (for W3).</summary>
    public int EstablishedSessions => Math.Max(1, W1.Append(W4).Max());

    /// <summary>The receiver devices a harness creates: those of the established sessions, or more for W2.</summary>
    public int Devices => Math.Max(EstablishedSessions, W2.DefaultIfEmpty(1).Max());

    /// <summary>The OMEMO version to run (default <see cref="Protocol.Omemo2"/>): the workloads are named after it.</summary>
    public Protocol Protocol { get; init; } = Protocol.Omemo2;

    /// <summary>The arguments every harness understands (<c>--w1 1,10 --w2 1 --w3 300 --w4 1000 --reps 7 --min-ms 20</c>).</summary>
    public IReadOnlyList<string> ToArguments(bool withW4 = true, bool withMaxSeconds = false)
    {
        var args = new List<string> { "--w1", Join(W1), "--w2", Join(W2), "--w3", Num(W3), "--reps", Num(Reps), "--min-ms", Num(MinMs) };
        if (withW4) args.AddRange(["--w4", Num(W4)]);
        if (withMaxSeconds) args.AddRange(["--max-seconds", Num(MaxSeconds)]);
        if (!Protocol.IsDefault) args.AddRange(["--namespace", Protocol.Namespace]);
        return args;
    }

    /// <summary>Parses the arguments written by <see cref="ToArguments"/>; missing ones keep <paramref name="defaults"/>.</summary>
    /// <exception cref="ArgumentException">An unknown option or a bad value.</exception>
    public static WorkloadOptions Parse(IReadOnlyList<string> args, WorkloadOptions defaults)
    {
        var o = defaults;
        for (int i = 0; i + 1 < args.Count; i += 2)
        {
            string v = args[i + 1];
            o = args[i] switch
            {
                "--w1" => o with { W1 = Split(v) },
                "--w2" => o with { W2 = Split(v) },
                "--w3" => o with { W3 = int.Parse(v, CultureInfo.InvariantCulture) },
                "--w4" => o with { W4 = int.Parse(v, CultureInfo.InvariantCulture) },
                "--reps" => o with { Reps = int.Parse(v, CultureInfo.InvariantCulture) },
                "--min-ms" => o with { MinMs = double.Parse(v, CultureInfo.InvariantCulture) },
                "--max-seconds" => o with { MaxSeconds = double.Parse(v, CultureInfo.InvariantCulture) },
                "--namespace" => o with { Protocol = Protocol.FromNamespace(v) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        return o;
    }

    private static string Join(int[] values) => string.Join(",", values.Select(v => Num(v)));
    private static string Num(double value) => value.ToString(CultureInfo.InvariantCulture);
    private static int[] Split(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
}
