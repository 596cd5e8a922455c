using System.Diagnostics;
using Xunit.Abstractions;

namespace Omemo.InteropTests.Python;

/// <summary>
/// No silent skips: a test that needs the python-omemo peer fails, naming what to install, when /usr/bin/python3 or
/// the Debian packages are missing, unless OMEMO_ALLOW_MISSING_PEERS=1 is set; then it returns early and says so in
/// its output. Usage: <c>if (!PythonRequirement.Available(output)) return;</c>
/// </summary>
internal static class PythonRequirement
{
    public const string AllowMissingVariable = "OMEMO_ALLOW_MISSING_PEERS";
    public const string Remedy = "apt-get install python3-omemo python3-twomemo python3-oldmemo python3-xmlschema";

    private static bool AllowMissing => Environment.GetEnvironmentVariable(AllowMissingVariable) == "1";

    private static readonly Lazy<string?> s_failure = new(Probe);

    /// <summary>Null when the peer can run, otherwise why not.</summary>
    public static string? Failure => s_failure.Value;

    public static bool Available(ITestOutputHelper output)
    {
        string? failure = Failure;
        if (failure is null) return true;
        string message = $"The python-omemo peer cannot run: {failure}. To run this test: {Remedy}.";
        if (AllowMissing)
        {
            output.WriteLine($"PYTHON PEER TEST NOT RUN ({AllowMissingVariable}=1): {message}");
            return false;
        }
        Assert.Fail(message + $" (Set {AllowMissingVariable}=1 to let peer tests pass without it.)");
        return false; // unreachable
    }

    private static string? Probe()
    {
        if (!File.Exists(PythonPeer.Interpreter)) return $"{PythonPeer.Interpreter} does not exist";
        string script;
        try
        {
            script = PythonPeer.ScriptPath;
        }
        catch (DirectoryNotFoundException e)
        {
            return e.Message;
        }
        if (!File.Exists(script)) return $"{script} is missing";

        var start = new ProcessStartInfo(PythonPeer.Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import omemo, twomemo, twomemo.etree, oldmemo, oldmemo.etree, x3dh, doubleratchet, xeddsa; "
            + "print(omemo.__version__['short'], twomemo.__version__['short'])");
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                return "importing python-omemo took longer than 60 s";
            }
            if (process.ExitCode != 0)
            {
                string err = stderr.Result.Trim();
                int last = err.LastIndexOf('\n');
                return $"'import omemo, twomemo, oldmemo' failed: {(last >= 0 ? err[(last + 1)..] : err)}";
            }
            return null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"{PythonPeer.Interpreter} could not be started ({e.Message})";
        }
    }
}
