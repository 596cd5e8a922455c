using System.CommandLine;
using Omemo.Cli.Commands;

namespace Omemo.Cli;

/// <summary>The <c>omemo</c> command tree and its entry point (used by <c>Program</c> and, in process, by the tests).</summary>
internal static class OmemoCli
{
    /// <summary>Builds the root command; every subcommand writes to <paramref name="console"/>.</summary>
    internal static RootCommand CreateRootCommand(CliConsole console) =>
        new("omemo: OMEMO (XEP-0384) end-to-end encryption engine, command-line front end.")
        {
            DemoCommand.Create(console),
            KeygenCommand.Create(console),
            BundleCommand.Create(console),
            EncryptCommand.Create(console),
            DecryptCommand.Create(console),
            FingerprintCommand.Create(console),
        };

    /// <summary>
    /// Parses <paramref name="args"/> and runs the command. A usage error is one <c>error:</c> line (exit code 1);
    /// an unexpected exception too (exit code 2), never a stack trace.
    /// </summary>
    internal static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var parse = CreateRootCommand(console).Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is System.CommandLine.Invocation.ParseErrorAction)
            return CliErrors.Report(console, string.Join("; ", parse.Errors.Select(e => e.Message)) + " (see omemo --help)");
        var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            console.Error.WriteLine($"error: unexpected {e.GetType().Name}: {CliErrors.OneLine(e.Message)}");
            return CliErrors.InternalFailure;
        }
    }
}
