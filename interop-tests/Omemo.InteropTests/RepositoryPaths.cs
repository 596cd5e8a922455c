using System.Diagnostics;
using System.Text;

namespace Omemo.InteropTests;

/// <summary>Locating the repository from the test binaries, and starting the out-of-process peers.</summary>
internal static class RepositoryPaths
{
    /// <summary>The file that marks the repository root.</summary>
    public const string SolutionFile = "Omemo.Native.sln";

    /// <summary>
    /// The first directory upwards from <paramref name="start"/> (itself included) that contains <see cref="SolutionFile"/>;
    /// null when there is none, or when <paramref name="start"/> is empty or does not exist.
    /// </summary>
    public static string? FindRootFrom(string start)
    {
        if (start.Length == 0 || !Directory.Exists(start)) return null;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        return null;
    }

    /// <summary>
    /// How the peers are started: a JSON-lines process with stdin, stdout and stderr redirected, no shell, stdin written
    /// as UTF-8 without a BOM and stdout read as UTF-8.
    /// </summary>
    public static ProcessStartInfo PeerStartInfo(string fileName) => new(fileName)
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
        StandardInputEncoding = new UTF8Encoding(false),
        StandardOutputEncoding = Encoding.UTF8,
    };
}
