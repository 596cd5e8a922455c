using Xunit.Abstractions;

namespace Omemo.InteropTests.Python;

/// <summary>
/// <see cref="PythonRequirement"/> for the legacy OMEMO 0.3 tests: besides python-omemo they need python-oldmemo. A
/// test fails naming the package to install when it cannot be imported, unless OMEMO_ALLOW_MISSING_PEERS=1 (then it
/// returns early and says so). Usage: <c>if (!PythonLegacyRequirement.Available(output)) return;</c>
/// </summary>
internal static class PythonLegacyRequirement
{
    public const string Remedy = "apt-get install python3-oldmemo";

    private static readonly Lazy<string?> s_failure = new(Probe);

    /// <summary>Null when python-oldmemo can be imported, otherwise why not.</summary>
    public static string? Failure => s_failure.Value;

    public static bool Available(ITestOutputHelper output)
    {
        if (!PythonRequirement.Available(output)) return false;
        if (Failure is not { } failure) return true;
        string variable = PythonRequirement.AllowMissingVariable;
        string message = $"python-oldmemo (legacy OMEMO 0.3) is not usable: {failure}. To run this test: {Remedy} "
            + $"(all python peer packages: {PythonRequirement.Remedy}).";
        if (Environment.GetEnvironmentVariable(variable) != "1") Assert.Fail($"{message} (Set {variable}=1 to let peer tests pass without it.)");
        output.WriteLine($"LEGACY PYTHON PEER TEST NOT RUN ({variable}=1): {message}");
        return false;
    }

    private static string? Probe()
    {
        try
        {
            var run = PythonRun.Execute(["-c", "import oldmemo, oldmemo.etree, oldmemo.oldmemo; print(oldmemo.__version__['short'])"],
                TimeSpan.FromSeconds(60));
            if (run.TimedOut) return "importing python-oldmemo took longer than 60 s";
            return run.ExitCode == 0 ? null : $"'import oldmemo' failed: {run.LastErrorLine}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{PythonPeer.Interpreter} could not be started ({e.Message})";
        }
    }
}
