using Omemo.Crypto;
using Xunit.Abstractions;

namespace Omemo.Tests.Crypto.Symmetric;

/// <summary>
/// Forces the multi-buffer SHA-256 path on the current thread for the duration of a test ("auto" = the
/// dispatcher's choice). Unsupported paths report false so the test can return early and say so.
/// </summary>
internal sealed class Sha256PathScope : IDisposable
{
    private readonly Sha256Path? _previous = Sha256MultiBuffer.ForcedPath;

    private Sha256PathScope(Sha256Path? path) => Sha256MultiBuffer.ForcedPath = path;

    /// <summary>Every path name, whether or not this CPU runs it.</summary>
    public static TheoryData<string> Names => new() { "scalar", "vector256", "vector512", "auto" };

    /// <summary>Runs <paramref name="body"/> on path <paramref name="name"/>, or only says so when this CPU lacks it.</summary>
    public static void Run(string name, ITestOutputHelper output, Action body)
    {
        if (!TryForce(name, out var scope))
        {
            output.WriteLine($"SHA-256 path {name} is not supported by this CPU: nothing to test.");
            return;
        }
        using (scope) body();
    }

    public static bool TryForce(string name, out Sha256PathScope scope)
    {
        Sha256Path? path = name switch
        {
            "scalar" => Sha256Path.Scalar,
            "vector256" => Sha256Path.Vector256,
            "vector512" => Sha256Path.Vector512,
            "auto" => null,
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        scope = null!;
        if (path is { } p && !Sha256MultiBuffer.IsSupported(p)) return false;
        scope = new Sha256PathScope(path);
        return true;
    }

    public void Dispose() => Sha256MultiBuffer.ForcedPath = _previous;
}
