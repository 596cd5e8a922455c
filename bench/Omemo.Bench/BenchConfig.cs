using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;

namespace Omemo.Bench;

/// <summary>
/// Shared configuration: MemoryDiagnoser (allocations per operation are part of the contract), medians, and
/// per-category baselines so that every native/BCL variant is reported as a ratio to the managed one run
/// in the same process and session. Iteration counts are moderate because the machine is shared and noisy:
/// compare medians and ratios, not absolute means.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15).WithLaunchCount(1));
        AddLogger(ConsoleLogger.Default);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, BaselineRatioColumn.RatioMean);
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory);
        AddExporter(MarkdownExporter.GitHub, CsvExporter.Default);
        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Value));
        WithOptions(ConfigOptions.JoinSummary);
    }
}
