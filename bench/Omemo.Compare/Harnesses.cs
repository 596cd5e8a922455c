using System.Diagnostics;

namespace Omemo.Compare;

/// <summary>A harness process: the executable, its arguments and what is missing when it cannot run.</summary>
/// <param name="Name">The engine name (<c>ours</c>, <c>python-omemo</c>, <c>libomemo-c</c>).</param>
/// <param name="FileName">The executable.</param>
/// <param name="Arguments">Its arguments (the workload options come after them).</param>
/// <param name="Missing">Null when the harness can run, otherwise what to install or build.</param>
public sealed record Harness(string Name, string FileName, IReadOnlyList<string> Arguments, string? Missing)
{
    /// <summary>Environment variable: set to 1 to report a missing python-omemo/libomemo-c as "not run" instead of failing.</summary>
    public const string AllowMissingVariable = "OMEMO_ALLOW_MISSING_PEERS";

    /// <summary>Environment variable: the omemo_c_bench executable (default: native/build/omemo_c_bench/omemo_c_bench).</summary>
    public const string CBenchVariable = "OMEMO_C_BENCH";

    /// <summary>Extra environment variables of the harness process.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>Debian's interpreter, which sees python3-omemo, python3-twomemo and python3-oldmemo.</summary>
    public const string PythonInterpreter = "/usr/bin/python3";

    /// <summary>
    /// The python-omemo harness: <c>bench/python/omemo_bench.py</c>, which needs the backend package of
    /// <paramref name="protocol"/> (twomemo for OMEMO 2, the default; oldmemo for legacy OMEMO).
    /// </summary>
    public static Harness Python(string root, Protocol? protocol = null)
    {
        string script = Path.Combine(root, "bench", "python", "omemo_bench.py");
        string package = (protocol ?? Protocol.Omemo2).PythonPackage;
        string? missing = !File.Exists(PythonInterpreter) ? $"{PythonInterpreter} is missing (apt-get install python3)"
            : !File.Exists(script) ? $"{script} is missing"
            : !File.Exists($"/usr/lib/python3/dist-packages/{package}/{package}.py")
                ? $"python-omemo is missing (apt-get install python3-omemo python3-{package} python3-doubleratchet python3-x3dh)"
                : null;
        return new Harness("python-omemo", PythonInterpreter, [script], missing);
    }

    /// <summary>The libomemo-c harness: native/omemo_c_bench built by CMake.</summary>
    public static Harness LibOmemoC(string root)
    {
        string path = System.Environment.GetEnvironmentVariable(CBenchVariable) is { Length: > 0 } configured
            ? configured : Path.Combine(root, "native", "build", "omemo_c_bench", "omemo_c_bench");
        string? missing = File.Exists(path) ? null
            : $"{path} is missing (apt-get install libomemo-c-dev libssl-dev cmake, then cmake -S native -B native/build "
              + $"-DCMAKE_BUILD_TYPE=Release && cmake --build native/build; or set {CBenchVariable})";
        return new Harness("libomemo-c", path, [], missing);
    }

    /// <summary>Our engine in a child process: this program with the <c>engine</c> command.</summary>
    public static Harness Ours()
    {
        string host = System.Environment.ProcessPath ?? "dotnet";
        string dll = typeof(Harness).Assembly.Location;
        bool viaDotnet = Path.GetFileNameWithoutExtension(host) == "dotnet";
        // Fully optimizing JIT from the start: the harness's single warm-up pass cannot bring the SIMD code to tier 1,
        // and the comparison is about steady-state throughput (python and C have no JIT to warm up).
        return new Harness("ours", viaDotnet ? host : Path.ChangeExtension(dll, null),
            viaDotnet ? [dll, "engine"] : ["engine"], null) { Environment = { ["DOTNET_TieredCompilation"] = "0" } };
    }

    /// <summary>Runs the harness with <paramref name="workloadArguments"/> and parses its JSON lines.</summary>
    /// <exception cref="InvalidOperationException">The process failed or did not finish within <paramref name="timeout"/>.</exception>
    public EngineRun Run(IEnumerable<string> workloadArguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in Arguments.Concat(workloadArguments)) start.ArgumentList.Add(a);
        foreach (var (key, value) in Environment) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Name} did not finish within {timeout.TotalSeconds:F0} s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Name} ({FileName}) exited with {process.ExitCode}: {stderr.Result.Trim()}");
        return EngineRun.Parse(stdout.Result.Split('\n'));
    }

    /// <summary>
    /// Whether a missing harness may be skipped: true with <see cref="AllowMissingVariable"/>=1, else an exception
    /// naming what to install.
    /// </summary>
    /// <exception cref="InvalidOperationException">The harness is missing and missing peers are not allowed.</exception>
    public bool CheckMissing()
    {
        if (Missing is null) return false;
        if (System.Environment.GetEnvironmentVariable(AllowMissingVariable) == "1") return true;
        throw new InvalidOperationException($"{Name} harness cannot run: {Missing}. (Set {AllowMissingVariable}=1 to skip it.)");
    }

    /// <summary>Environment variable: the repository root, for binaries built outside it (--artifacts-path).</summary>
    public const string RootVariable = "OMEMO_REPO_ROOT";

    /// <summary>
    /// The repository root: <c>$OMEMO_REPO_ROOT</c> when set, else the first directory upwards from one of
    /// <paramref name="starts"/> (in order) that holds Omemo.Native.sln.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">There is none.</exception>
    public static string FindRoot(params string[] starts)
    {
        if (System.Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } configured) return configured;
        foreach (string start in starts)
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Omemo.Native.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Omemo.Native.sln above {string.Join(" or ", starts)} and {RootVariable} is not set");
    }
}
