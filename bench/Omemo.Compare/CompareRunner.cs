using System.Diagnostics;

namespace Omemo.Compare;

/// <summary>Runs the three harnesses one after the other (each in its own process) and collects their results.</summary>
public static class CompareRunner
{
    /// <summary>How long one harness may run.</summary>
    public static readonly TimeSpan HarnessTimeout = TimeSpan.FromMinutes(8);

    /// <summary>One harness's outcome: its results, or why it was not run.</summary>
    public sealed record Outcome(Harness Harness, EngineRun? Run, string? NotRun, TimeSpan Elapsed);

    /// <summary>
    /// Runs ours, python-omemo and libomemo-c with the full (or smoke) workloads of <paramref name="protocol"/>
    /// (default OMEMO 2); progress goes to <paramref name="log"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A harness failed, or a peer is missing and missing peers are not allowed.</exception>
    public static IReadOnlyList<Outcome> RunAll(string root, bool smoke, TextWriter log, Protocol? protocol = null)
    {
        protocol ??= Protocol.Omemo2;
        var plan = new (Harness Harness, WorkloadOptions Options, bool W4)[]
        {
            (Harness.Ours(), smoke ? WorkloadOptions.Smoke : WorkloadOptions.Full, true),
            (Harness.Python(root, protocol), smoke ? WorkloadOptions.Smoke : WorkloadOptions.FullPython, true),
            (Harness.LibOmemoC(root), smoke ? WorkloadOptions.Smoke : WorkloadOptions.Full, false),
        }.Select(p => p with { Options = p.Options with { Protocol = protocol } });
        var outcomes = new List<Outcome>();
        foreach (var (harness, options, w4) in plan)
        {
            if (harness.CheckMissing())
            {
                log.WriteLine($"{harness.Name}: NOT RUN ({harness.Missing})");
                outcomes.Add(new Outcome(harness, null, harness.Missing, TimeSpan.Zero));
                continue;
            }
            log.WriteLine($"{harness.Name}: {harness.FileName} {string.Join(' ', harness.Arguments.Concat(options.ToArguments(w4)))}");
            long start = Stopwatch.GetTimestamp();
            var run = harness.Run(options.ToArguments(w4, withMaxSeconds: harness.Name == "python-omemo"), HarnessTimeout);
            var elapsed = Stopwatch.GetElapsedTime(start);
            log.WriteLine($"{harness.Name}: {run.Measurements.Count} results in {elapsed.TotalSeconds:F1} s");
            outcomes.Add(new Outcome(harness, run, null, elapsed));
        }
        return outcomes;
    }

    /// <summary>The versions line of the report.</summary>
    public static IReadOnlyList<string> Versions(IReadOnlyList<Outcome> outcomes)
    {
        var versions = new List<string> { MachineInfo.DotNet };
        foreach (var o in outcomes.Where(o => o.Harness.Name != "ours"))
        {
            if (o.Run is null) { versions.Add($"{o.Harness.Name}: not run ({o.NotRun})"); continue; }
            versions.Add(o.Harness.Name + " " + string.Join(", ", o.Run.Meta.Where(kv => kv.Key != "engine").Select(kv => $"{kv.Key} {kv.Value}")));
        }
        return versions;
    }
}
