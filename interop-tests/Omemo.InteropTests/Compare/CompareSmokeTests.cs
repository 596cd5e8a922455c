using System.Runtime.CompilerServices;
using Omemo.Compare;
using Xunit.Abstractions;

namespace Omemo.InteropTests.Compare;

/// <summary>
/// The comparison runner's harnesses (bench/Omemo.Compare, issue 5) at N = 1..2 with one repetition, so CI proves
/// each of them still runs every workload, for OMEMO 2 (W1..W4) and for legacy OMEMO 0.3 (L1..L4: python-omemo's
/// oldmemo, libomemo-c session version 3). A missing python-omemo or libomemo-c fails the test, naming what to
/// install, unless OMEMO_ALLOW_MISSING_PEERS=1.
/// </summary>
public sealed class CompareSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public void OurHarness_RunsEveryWorkloadAndVariant()
    {
        var results = new List<Measurement>();
        OurEngine.Run(WorkloadOptions.Smoke, results.Add);
        foreach (string engine in new[] { "ours", "ours-batch" })
        {
            AssertMeasured(results, engine, "W1", 1, 2);
            AssertMeasured(results, engine, "W4", 2);
        }
        AssertMeasured(results, "ours", "W2", 1, 2);
        AssertMeasured(results, "ours", "W3", 3);
    }

    [Fact]
    public void OurHarness_RunsEveryLegacyWorkload()
    {
        var results = new List<Measurement>();
        OurEngine.Run(WorkloadOptions.Smoke with { Protocol = Protocol.Legacy }, results.Add);
        foreach (string engine in new[] { "ours", "ours-batch" })
        {
            AssertMeasured(results, engine, "L1", 1, 2);
            AssertMeasured(results, engine, "L4", 2);
        }
        AssertMeasured(results, "ours", "L2", 1, 2);
        AssertMeasured(results, "ours", "L3", 3);
    }

    [Fact]
    public void WorkloadOptions_CarryTheNamespace_OnlyWhenLegacy()
    {
        var legacy = WorkloadOptions.Smoke with { Protocol = Protocol.Legacy };
        Assert.DoesNotContain("--namespace", WorkloadOptions.Smoke.ToArguments());
        Assert.Equal(Protocol.Legacy, WorkloadOptions.Parse(legacy.ToArguments(), WorkloadOptions.Full).Protocol);
        Assert.Equal(Protocol.Omemo2, WorkloadOptions.Parse(WorkloadOptions.Smoke.ToArguments(), WorkloadOptions.Full).Protocol);
    }

    [Theory]
    [InlineData("python-omemo", false)]
    [InlineData("libomemo-c", false)]
    [InlineData("python-omemo", true)]
    [InlineData("libomemo-c", true)]
    public void PeerHarness_RunsEveryWorkload(string engine, bool legacy)
    {
        var protocol = legacy ? Protocol.Legacy : Protocol.Omemo2;
        string root = RepositoryRoot();
        var harness = engine == "python-omemo" ? Harness.Python(root, protocol) : Harness.LibOmemoC(root);
        if (harness.CheckMissing())
        {
            output.WriteLine($"PEER TEST NOT RUN ({Harness.AllowMissingVariable}=1): {harness.Missing}");
            return;
        }
        bool w4 = engine == "python-omemo";
        var run = harness.Run((WorkloadOptions.Smoke with { Protocol = protocol }).ToArguments(w4), TimeSpan.FromMinutes(2));
        output.WriteLine(string.Join(", ", run.Meta.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.NotEmpty(run.Meta);
        AssertMeasured(run.Measurements, engine, protocol.Workload(1), 1, 2);
        AssertMeasured(run.Measurements, engine, protocol.Workload(2), 1, 2);
        AssertMeasured(run.Measurements, engine, protocol.Workload(3), 3);
        if (w4) AssertMeasured(run.Measurements, engine, protocol.Workload(4), 2);
        Assert.All(run.Measurements, m => Assert.StartsWith(protocol.Prefix.ToString(), m.Workload, StringComparison.Ordinal));
    }

    /// <summary>
    /// The repository root: above the test binaries or the working directory, or, for binaries built elsewhere
    /// (<c>--artifacts-path</c>), above this source file (or <c>$OMEMO_REPO_ROOT</c>).
    /// </summary>
    private static string RepositoryRoot([CallerFilePath] string sourceFile = "") =>
        Harness.FindRoot(AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.GetDirectoryName(sourceFile) ?? "");

    private static void AssertMeasured(IReadOnlyList<Measurement> results, string engine, string workload, params int[] ns)
    {
        foreach (int n in ns)
        {
            var m = Assert.Single(results, r => r.Engine == engine && r.Workload == workload && r.N == n);
            Assert.Null(m.Skipped);
            Assert.Single(m.Us);
            Assert.True(m.Median > 0, $"{engine} {workload} N={n}: {m.Median} µs");
        }
    }
}
