using System.Diagnostics;
using System.Text.Json;

namespace Omemo.Tests.Peers;

/// <summary>
/// A python peer embedded in the test assembly and run with /usr/bin/python3: the request goes as JSON on stdin,
/// the answer comes back as JSON on stdout. Exit code 3 means the script's python packages are missing. A missing
/// peer fails the test with <see cref="InstallHint"/> unless OMEMO_ALLOW_MISSING_PEERS=1.
/// </summary>
/// <param name="ResourceName">The logical name of the embedded script (see Omemo.Tests.csproj).</param>
/// <param name="PeerName">How failure messages name the peer, e.g. "python-xeddsa peer".</param>
/// <param name="InstallHint">What to install when the peer is missing.</param>
internal sealed record PythonScript(string ResourceName, string PeerName, string InstallHint)
{
    public const string Interpreter = "/usr/bin/python3";
    public const string AllowMissingVariable = "OMEMO_ALLOW_MISSING_PEERS";
    private const int TimeoutMilliseconds = 120_000;

    /// <summary>Embedded python modules the script imports; they are copied next to it.</summary>
    public IReadOnlyList<string> Modules { get; init; } = [];

    /// <summary>Whether a missing peer skips its test instead of failing it.</summary>
    public static bool AllowMissing => Environment.GetEnvironmentVariable(AllowMissingVariable) == "1";

    /// <summary>Runs the script on <paramref name="request"/>; null when the peer is missing and that is allowed.</summary>
    public JsonElement? Run(object request)
    {
        bool allowMissing = AllowMissing;
        if (!File.Exists(Interpreter))
        {
            if (allowMissing) return null;
            Assert.Fail($"{InstallHint} ({Interpreter} not found)");
        }
        string directory = Directory.CreateTempSubdirectory($"omemo-{Path.GetFileNameWithoutExtension(ResourceName)}-").FullName;
        string script = Path.Combine(directory, ResourceName);
        foreach (string name in Modules.Append(ResourceName)) Extract(name, Path.Combine(directory, name));
        try
        {
            var psi = new ProcessStartInfo(Interpreter, [script])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = directory,
            };
            using Process process = Process.Start(psi)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(JsonSerializer.Serialize(request));
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeoutMilliseconds))
            {
                process.Kill();
                Assert.Fail($"{PeerName} timed out");
            }
            if (process.ExitCode == 3)
            {
                if (allowMissing) return null;
                Assert.Fail($"{InstallHint} {stderr.Result.Trim()}".TrimEnd());
            }
            Assert.True(process.ExitCode == 0, $"{PeerName} failed ({process.ExitCode}): {stderr.Result}");
            using JsonDocument doc = JsonDocument.Parse(stdout.Result);
            return doc.RootElement.Clone();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Extract(string resourceName, string path)
    {
        using Stream resource = typeof(PythonScript).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"no embedded resource {resourceName}");
        using FileStream file = File.Create(path);
        resource.CopyTo(file);
    }
}
