using Omemo.Compare;
using Xunit.Abstractions;

namespace Omemo.InteropTests.Compare;

/// <summary>
/// The comparison runner's harnesses (bench/Omemo.Compare, issue 5) at N = 1..2 with one repetition, so CI proves
/// each of them still runs every workload. A missing python-omemo or libomemo-c fails the test, naming what to
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

    [Theory]
    [InlineData("python-omemo")]
    [InlineData("libomemo-c")]
    public void PeerHarness_RunsEveryWorkload(string engine)
    {
        string root = Harness.FindRoot(AppContext.BaseDirectory, Directory.GetCurrentDirectory());
        var harness = engine == "python-omemo" ? Harness.Python(root) : Harness.LibOmemoC(root);
        if (harness.CheckMissing())
        {
            output.WriteLine($"PEER TEST NOT RUN ({Harness.AllowMissingVariable}=1): {harness.Missing}");
            return;
        }
        bool w4 = engine == "python-omemo";
        var run = harness.Run(WorkloadOptions.Smoke.ToArguments(w4), TimeSpan.FromMinutes(2));
        output.WriteLine(string.Join(", ", run.Meta.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.NotEmpty(run.Meta);
        AssertMeasured(run.Measurements, engine, "W1", 1, 2);
        AssertMeasured(run.Measurements, engine, "W2", 1, 2);
        AssertMeasured(run.Measurements, engine, "W3", 3);
        if (w4) AssertMeasured(run.Measurements, engine, "W4", 2);
    }

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
