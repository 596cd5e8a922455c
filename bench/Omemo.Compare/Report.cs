using System.Globalization;
using System.Text;

namespace Omemo.Compare;

/// <summary>
/// A protocol's comparison section of bench/RESULTS.md: "## Comparison with python-omemo and libomemo-c" for OMEMO 2,
/// "## Legacy OMEMO 0.3: comparison ..." for legacy OMEMO (<see cref="Protocol.Heading"/>).
/// </summary>
public static class Report
{
    /// <summary>The heading of the OMEMO 2 section.</summary>
    public static string Heading => Protocol.Omemo2.Heading;

    /// <summary>The peers, in table order.</summary>
    public static readonly string[] Peers = ["python-omemo", "libomemo-c"];

    /// <summary>What the section says besides the numbers.</summary>
    /// <param name="Command">The command that produced it.</param>
    /// <param name="Started">When the run started.</param>
    /// <param name="Elapsed">How long the whole run took.</param>
    /// <param name="Versions">Runtime and peer versions, one entry each.</param>
    /// <param name="PlotPath">The PNG, relative to bench/.</param>
    /// <param name="Notes">Markdown appended at the end (bench/results/compare-notes.md), or null.</param>
    public sealed record Context(string Command, DateTimeOffset Started, TimeSpan Elapsed, IReadOnlyList<string> Versions,
        string PlotPath, string? Notes);

    /// <summary>Builds the section of <paramref name="protocol"/> (default OMEMO 2) from its measurements.</summary>
    public static string Build(IReadOnlyList<Measurement> all, Context context, Protocol? protocol = null)
    {
        protocol ??= Protocol.Omemo2;
        var md = new StringBuilder();
        md.AppendLine(protocol.Heading).AppendLine();
        md.AppendLine($"- **Command:** `{context.Command}`");
        md.AppendLine($"- **Machine:** {MachineInfo.Describe()} (shared and noisy: compare ratios, not absolutes)");
        md.AppendLine(Invariant($"- **Date:** {context.Started:yyyy-MM-dd HH:mm} UTC; the whole run took {context.Elapsed.TotalSeconds:F0} s"));
        md.AppendLine($"- **Versions:** {string.Join("; ", context.Versions)}");
        md.AppendLine("- **Method:** each engine in its own process, one after the other, in memory (no XMPP, no storage). "
            + "One warm-up pass, then repetitions of at least 20 ms each (K passes for small N); the figure is the "
            + "**median of the repetitions**. Ratios are peer / ours, against the fastest of our variants at that N. "
            + protocol.Engines);
        md.AppendLine($"- **Plot:** [`{context.PlotPath}`]({context.PlotPath}) (µs per recipient vs N, log-log).").AppendLine();
        for (int i = 0; i < protocol.Tables.Count; i++) AppendTable(md, all, protocol.Workload(i + 1), protocol.Tables[i]);
        if (protocol.IsDefault) AppendTargets(md, all);
        if (!string.IsNullOrWhiteSpace(context.Notes)) md.AppendLine().AppendLine(context.Notes.Trim());
        return md.ToString();
    }

    /// <summary>
    /// Replaces the section that starts with <paramref name="heading"/> (default: the OMEMO 2 one) in
    /// <paramref name="results"/>, up to the next "## " heading, or appends it.
    /// </summary>
    public static string Splice(string results, string section, string? heading = null)
    {
        heading ??= Heading;
        int start = results.IndexOf(heading, StringComparison.Ordinal);
        if (start < 0) return results.TrimEnd() + "\n\n" + section;
        int next = results.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return results[..start] + section + (next < 0 ? "" : "\n" + results[(next + 1)..]);
    }

    private static void AppendTable(StringBuilder md, IReadOnlyList<Measurement> all, string workload, string title)
    {
        var rows = all.Where(m => m.Workload == workload).ToList();
        if (rows.Count == 0) return;
        var ours = rows.Select(m => m.Engine).Where(e => !Peers.Contains(e)).Distinct().ToArray();
        md.AppendLine($"**{title}**").AppendLine();
        md.AppendLine("| N | " + string.Join(" | ", ours.Concat(Peers)) + " | " + string.Join(" | ", Peers.Select(p => p + " / ours")) + " |");
        md.AppendLine("| ---: |" + string.Concat(Enumerable.Repeat(" ---: |", ours.Length + 2 * Peers.Length)));
        foreach (int n in rows.Select(m => m.N).Distinct().Order())
        {
            double best = ours.Select(e => Find(rows, e, n)?.Median ?? double.NaN).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
            var cells = ours.Concat(Peers).Select(e => Cell(Find(rows, e, n)))
                .Concat(Peers.Select(p => Find(rows, p, n)?.Median / best is double r && double.IsFinite(r) ? Invariant($"**{r:F1}**") : "-"));
            md.AppendLine(Invariant($"| {n:N0} | ") + string.Join(" | ", cells) + " |");
        }
        md.AppendLine();
    }

    private static void AppendTargets(StringBuilder md, IReadOnlyList<Measurement> all)
    {
        md.AppendLine("**Targets of issue 5** (our best variant; 2-core AMD EPYC):").AppendLine();
        md.AppendLine("| target | measured | met? |");
        md.AppendLine("| --- | ---: | --- |");
        Target(md, all, "next-message fan-out <= 1.0 µs per recipient, batched (W1, N = 1,000)", "W1", 1000, 1.0, 1);
        Target(md, all, "first message <= 150 µs per device, single-threaded (W2, N = 100)", "W2", 100, 150, 1);
        Target(md, all, "decrypt follow-up <= 3 µs (W3)", "W3", null, 3, 1);
        Target(md, all, "encrypt to 1,000 devices including XML <= 2 ms (W4)", "W4", 1000, 2, 1000);
    }

    private static void Target(StringBuilder md, IReadOnlyList<Measurement> all, string text, string workload, int? n, double limit, double unit)
    {
        var best = all.Where(m => m.Workload == workload && !Peers.Contains(m.Engine) && (n is null || m.N == n) && m.Us.Length > 0)
            .MinBy(m => m.Median);
        string measured = best is null ? "not run" : Invariant($"{best.Median / unit:G3} {(unit == 1 ? "µs" : "ms")} (`{best.Engine}`)");
        string met = best is null ? "-" : best.Median / unit <= limit ? "**yes**" : Invariant($"**no** ({best.Median / unit / limit:F1}x over)");
        md.AppendLine($"| {text} | {measured} | {met} |");
    }

    private static Measurement? Find(List<Measurement> rows, string engine, int n) => rows.FirstOrDefault(m => m.Engine == engine && m.N == n);

    private static string Cell(Measurement? m) => m is null ? "-"
        : m.Skipped is not null ? "skipped" : Invariant($"{m.Median:G4}");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
