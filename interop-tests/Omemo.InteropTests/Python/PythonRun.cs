using System.Diagnostics;

namespace Omemo.InteropTests.Python;

/// <summary>
/// One finished run of <see cref="PythonPeer.Interpreter"/> with the given arguments: exit status and both output
/// streams, or <see cref="TimedOut"/> when it had to be killed. Starting the interpreter may throw
/// <see cref="System.ComponentModel.Win32Exception"/> (it does not exist or cannot be executed).
/// </summary>
internal sealed record PythonRun(int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    /// <summary>Runs the interpreter to completion (bytecode caching off) and kills it after <paramref name="timeout"/>.</summary>
    public static PythonRun Execute(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(PythonPeer.Interpreter, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {PythonPeer.Interpreter}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        bool finished = process.WaitForExit(timeout);
        if (!finished)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        return new PythonRun(finished ? process.ExitCode : -1, stdout.Result, stderr.Result, !finished);
    }

    /// <summary>Null when the run succeeded, otherwise why it did not, with what it printed.</summary>
    public string? Failure(string what) =>
        TimedOut ? $"{what} did not finish in time. stderr:\n{Stderr}"
        : ExitCode != 0 ? $"{what} failed with status {ExitCode}. stderr:\n{Stderr}\nstdout:\n{Stdout}"
        : null;

    /// <summary>The last line of stderr (a python traceback's exception line).</summary>
    public string LastErrorLine => Stderr.TrimEnd().Split('\n')[^1];
}
