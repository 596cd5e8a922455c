using System.Diagnostics;

namespace Omemo.Compare;

/// <summary>
/// The measuring loop, the same in all three harnesses: one untimed warm-up pass picks K (passes per repetition)
/// so that a repetition lasts at least <see cref="WorkloadOptions.MinMs"/>; each repetition times K passes.
/// </summary>
public static class Timing
{
    /// <summary>Times <paramref name="pass"/>(n) and returns µs per item (<paramref name="itemsPerPass"/> items a pass).</summary>
    /// <param name="engine">The engine name written in the result.</param>
    /// <param name="workload">W1..W4.</param>
    /// <param name="pass">One pass over n devices (or messages).</param>
    /// <param name="n">The device count.</param>
    /// <param name="itemsPerPass">What a pass is divided by (n, or 1 for a whole message).</param>
    /// <param name="options">Repetitions and minimum duration.</param>
    /// <param name="fixedInner">K when it must not be derived (passes that consume prepared input).</param>
    public static Measurement Measure(string engine, string workload, Action<int> pass, int n, int itemsPerPass,
        WorkloadOptions options, int fixedInner = 0)
    {
        long start = Stopwatch.GetTimestamp();
        pass(n);
        double one = Math.Max(Stopwatch.GetElapsedTime(start).TotalMilliseconds, 1e-6);
        int inner = fixedInner > 0 ? fixedInner : (int)(options.MinMs / one) + 1;
        var us = new double[options.Reps];
        for (int r = 0; r < options.Reps; r++)
        {
            start = Stopwatch.GetTimestamp();
            for (int k = 0; k < inner; k++) pass(n);
            us[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / ((double)inner * itemsPerPass);
        }
        return new Measurement(engine, workload, n, inner, us);
    }
}
