// Omemo.Native build script (Cake 7, pinned in .config/dotnet-tools.json).
//   dotnet tool restore && dotnet cake --target=Test    all tests (installs the Debian packages it needs)
//   dotnet cake --target=Demo                           the main job (see README.md)
//   dotnet cake --target=Bench [--filter=*X25519*]      BenchmarkDotNet suite, results under bench/
//   dotnet cake --target=Compare                        ours vs python-omemo vs libomemo-c: bench/RESULTS.md + PNG
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var benchFilter = Argument("filter", "*");

var root = MakeAbsolute(Directory("."));
var solution = root.CombineWithFilePath("Omemo.Native.sln");
var nativeBuild = root.Combine("native/build");
var testResults = root.Combine("artifacts/test-results");

// Debian packages the tests need: the native peers the managed engine is cross-checked against,
// and the toolchain for the C shim. Installed when missing (every machine here runs as root).
var debianPackages = new[]
{
    "libsodium23", "libsodium-dev", "libxeddsa2", "libxeddsa-dev",
    "libomemo-c-dev", "libssl-dev", "cmake", "gcc", "pkg-config",
    "python3", "python3-xeddsa", "python3-x3dh", "python3-doubleratchet",
    "python3-omemo", "python3-twomemo", "python3-oldmemo", "python3-xmlschema",
};

bool IsDebianPackageInstalled(string name)
{
    var exit = StartProcess("dpkg-query", new ProcessSettings
    {
        Arguments = $"-W -f=${{Status}} {name}",
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    }, out IEnumerable<string> output);
    return exit == 0 && string.Concat(output).Contains("install ok installed");
}

void Run(string tool, string arguments, IDictionary<string, string> env = null)
{
    var settings = new ProcessSettings { Arguments = arguments, WorkingDirectory = root, EnvironmentVariables = env };
    var exit = StartProcess(tool, settings);
    if (exit != 0) throw new CakeException($"'{tool} {arguments}' failed with exit code {exit}.");
}

Task("Prerequisites")
    .Description("Installs the Debian packages the tests need, if any are missing.")
    .Does(() =>
{
    var missing = debianPackages.Where(p => !IsDebianPackageInstalled(p)).ToArray();
    if (missing.Length == 0)
    {
        Information("Debian packages present: {0}", string.Join(", ", debianPackages));
        return;
    }
    Information("Installing Debian packages: {0}", string.Join(" ", missing));
    var env = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
    Run("apt-get", "update -qq", env);
    Run("apt-get", "install -y -qq --no-install-recommends " + string.Join(" ", missing), env);
});

Task("Native")
    .Description("Builds and tests the optional C shim in native/ with CMake/CTest.")
    .IsDependentOn("Prerequisites")
    .Does(() =>
{
    Run("cmake", $"-S native -B {nativeBuild} -DCMAKE_BUILD_TYPE=Release");
    Run("cmake", $"--build {nativeBuild} --parallel 2");
    Run("ctest", $"--test-dir {nativeBuild} --output-on-failure");
});

Task("Build")
    .Description("Builds the whole solution.")
    .Does(() =>
{
    DotNetBuild(solution.FullPath, new DotNetBuildSettings { Configuration = configuration });
});

Task("Test")
    .Description("Runs every test project (unit, vectors, properties, native and peer interop).")
    .IsDependentOn("Prerequisites")
    .IsDependentOn("Native")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(testResults);
    var env = new Dictionary<string, string>
    {
        ["OMEMO_NATIVE_SHIM"] = nativeBuild.CombineWithFilePath("libomemo_native_shim.so").FullPath,
        ["OMEMO_C_PEER"] = nativeBuild.CombineWithFilePath("omemo_c_peer/omemo_c_peer").FullPath,
        ["OMEMO_C_BENCH"] = nativeBuild.CombineWithFilePath("omemo_c_bench/omemo_c_bench").FullPath,
    };
    var failures = new List<string>();
    foreach (var project in GetFiles("./managed/**/*.Tests.csproj").Concat(GetFiles("./interop-tests/**/*.csproj")))
    {
        var name = project.GetFilenameWithoutExtension().ToString();
        try
        {
            DotNetTest(project.FullPath, new DotNetTestSettings
            {
                Configuration = configuration,
                NoBuild = true,
                ResultsDirectory = testResults,
                Loggers = { $"trx;LogFileName={name}.trx", "console;verbosity=normal" },
                EnvironmentVariables = env,
            });
        }
        catch (Exception e)
        {
            failures.Add($"{name}: {e.Message}");
        }
    }
    PrintTestSummary();
    if (failures.Count > 0) throw new CakeException("Test failures:\n" + string.Join("\n", failures));
});

// One closing line over every TRX file: "Tests: N passed, N failed, N skipped".
void PrintTestSummary()
{
    XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    int passed = 0, failed = 0, skipped = 0;
    foreach (var trx in GetFiles(testResults.FullPath + "/*.trx"))
    {
        var counters = XDocument.Load(trx.FullPath).Descendants(ns + "Counters").Single();
        passed += (int)counters.Attribute("passed");
        failed += (int)counters.Attribute("failed") + (int)counters.Attribute("error") + (int)counters.Attribute("timeout");
        skipped += (int)counters.Attribute("notExecuted");
    }
    // Plain Console output: Cake's logger would colour the numbers.
    Console.WriteLine();
    Console.WriteLine($"Tests: {passed} passed, {failed} failed, {skipped} skipped");
}

Task("Demo")
    .Description("The README's main job: omemo demo (group chat on SQLite through the in-memory PEP model).")
    .Does(() =>
{
    Run("dotnet", $"run --project managed/Omemo.Cli -c {configuration} -- demo");
});

Task("Bench")
    .Description("Runs the BenchmarkDotNet suite (managed vs native) with MemoryDiagnoser.")
    .IsDependentOn("Native")
    .Does(() =>
{
    var env = new Dictionary<string, string>
    {
        ["OMEMO_NATIVE_SHIM"] = nativeBuild.CombineWithFilePath("libomemo_native_shim.so").FullPath,
    };
    Run("dotnet", $"run --project bench/Omemo.Bench -c Release -- --filter {benchFilter}", env);
});

Task("Compare")
    .Description("Comparison runner (issue 5): the same workloads on our engine, python-omemo and libomemo-c, each in its "
        + "own process; writes the comparison section of bench/RESULTS.md and bench/results/compare.png.")
    .IsDependentOn("Native")
    .Does(() =>
{
    var env = new Dictionary<string, string>
    {
        ["OMEMO_C_BENCH"] = nativeBuild.CombineWithFilePath("omemo_c_bench/omemo_c_bench").FullPath,
    };
    Run("dotnet", "run --project bench/Omemo.Compare -c Release -- run --command \"dotnet cake --target=Compare\"", env);
});

RunTarget(target);
