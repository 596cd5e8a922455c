using Omemo.Errors;
using Spectre.Console;

namespace Omemo.Cli;

/// <summary>Turns expected failures (bad input, bad keys, I/O) into a one-line message and exit code 1, never a stack trace.</summary>
internal static class CliErrors
{
    internal static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is OmemoException or IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
    }
}
