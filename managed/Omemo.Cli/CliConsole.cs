using Spectre.Console;

namespace Omemo.Cli;

/// <summary>
/// The streams one invocation of the <c>omemo</c> command reads and writes: the process console, or (in tests)
/// captured writers. Commands never touch <see cref="Console"/> directly, so invocations can run side by side.
/// </summary>
/// <param name="output">Standard output: results (XML, body text, tables).</param>
/// <param name="error">Standard error: notes, warnings and the one-line <c>error:</c> message.</param>
/// <param name="input">Standard input.</param>
/// <param name="inputRedirected">False when standard input is a terminal (then it is never read).</param>
/// <param name="ansi">The Spectre.Console console writing to <paramref name="output"/> (tables, progress).</param>
internal sealed class CliConsole(TextWriter output, TextWriter error, TextReader input, bool inputRedirected, IAnsiConsole ansi)
{
    /// <summary>Standard output.</summary>
    internal TextWriter Out => output;

    /// <summary>Standard error.</summary>
    internal TextWriter Error => error;

    /// <summary>Spectre.Console over <see cref="Out"/>; it detects a non-terminal (CI, pipes) and then writes plain text.</summary>
    internal IAnsiConsole Ansi => ansi;

    /// <summary>The process console.</summary>
    internal static CliConsole FromProcess() =>
        new(Console.Out, Console.Error, Console.In, Console.IsInputRedirected, AnsiConsole.Console);

    /// <summary>A console over captured writers (no colours, not interactive) and optional standard input text.</summary>
    /// <param name="output">Receives standard output.</param>
    /// <param name="error">Receives standard error.</param>
    /// <param name="input">Standard input, or null for a terminal that is never read.</param>
    internal static CliConsole Captured(TextWriter output, TextWriter error, string? input = null)
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        return new CliConsole(output, error, new StringReader(input ?? ""), input is not null, ansi);
    }

    /// <summary>
    /// Reads all of standard input for <paramref name="what"/>, dropping one trailing line break (as <c>echo</c> adds).
    /// </summary>
    /// <exception cref="CliException">Standard input is a terminal (nothing was piped in).</exception>
    internal string ReadInput(string what)
    {
        if (!inputRedirected) throw new CliException($"no {what}: give it as an option or pipe it into standard input");
        string text = input.ReadToEnd();
        if (text.EndsWith("\r\n", StringComparison.Ordinal)) return text[..^2];
        return text.EndsWith('\n') ? text[..^1] : text;
    }
}
