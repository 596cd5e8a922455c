using ScottPlot;

namespace Omemo.Compare;

/// <summary>
/// The PNG of one protocol: µs per recipient vs N, log-log, workload 1 (next message, solid) and 2 (first message,
/// dashed), one colour per engine (ScottPlot).
/// </summary>
public static class ComparePlot
{
    /// <summary>Writes the plot of <paramref name="protocol"/> (default OMEMO 2) to <paramref name="path"/> (900 x 600).</summary>
    public static void Save(IReadOnlyList<Measurement> all, string path, Protocol? protocol = null)
    {
        protocol ??= Protocol.Omemo2;
        var plot = new Plot();
        var engines = all.Select(m => m.Engine).Distinct().ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        string next = protocol.Workload(1), first = protocol.Workload(2);
        foreach (var (workload, pattern) in new[] { (next, LinePattern.Solid), (first, LinePattern.Dashed) })
        {
            for (int e = 0; e < engines.Length; e++)
            {
                var points = all.Where(m => m.Workload == workload && m.Engine == engines[e] && m.Us.Length > 0)
                    .OrderBy(m => m.N).ToArray();
                if (points.Length == 0) continue;
                var line = plot.Add.Scatter(points.Select(m => Math.Log10(m.N)).ToArray(), points.Select(m => Math.Log10(m.Median)).ToArray());
                line.LegendText = $"{workload} {engines[e]}";
                line.Color = palette.GetColor(e);
                line.LinePattern = pattern;
                line.LineWidth = 2;
                line.MarkerSize = 6;
            }
        }
        foreach (var axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = v => Math.Pow(10, v).ToString("#,##0.###", System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        plot.Title($"{protocol.Name}: µs per recipient device vs N ({next} next message solid, {first} first message dashed)");
        plot.XLabel("N recipient devices");
        plot.YLabel("µs per recipient (median)");
        plot.ShowLegend(Alignment.UpperRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 600);
    }
}
