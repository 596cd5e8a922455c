using System.CommandLine;
using Omemo.Pep;

namespace Omemo.Cli;

/// <summary>Options and input helpers shared by the scripting commands.</summary>
internal static class CliOptions
{
    /// <summary>A JID option (<c>--jid</c>, <c>--to</c>, <c>--from</c>).</summary>
    internal static Option<string> Jid(string name, string description, bool required = true) =>
        new(name) { Description = description, Required = required };

    /// <summary>The bare form of a JID given on the command line.</summary>
    /// <exception cref="CliException">The JID is blank or contains white space.</exception>
    internal static string BareJid(string jid, string option)
    {
        string bare = PepStanzas.BareJid(jid.Trim());
        if (bare.Length == 0 || bare.Any(char.IsWhiteSpace)) throw new CliException($"{option}: not a JID: '{jid}'");
        return bare;
    }

    /// <summary>The text of <paramref name="file"/>, or of standard input when it is null.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CliException">No file and nothing piped into standard input.</exception>
    internal static Task<string> ReadTextAsync(CliConsole console, FileInfo? file, string what, CancellationToken cancellationToken) =>
        file is null ? Task.FromResult(console.ReadInput(what)) : File.ReadAllTextAsync(file.FullName, cancellationToken);
}
