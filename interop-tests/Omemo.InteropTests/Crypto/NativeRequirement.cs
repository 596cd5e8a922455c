using System.Diagnostics.CodeAnalysis;
using Omemo.Native;
using Xunit.Abstractions;

namespace Omemo.InteropTests.Crypto;

/// <summary>
/// No silent skips: a test that needs a native library fails, naming what to install, when the library is
/// missing, unless OMEMO_ALLOW_MISSING_NATIVE=1 is set; then it returns early and says so in its output.
/// Usage: <c>if (!NativeRequirement.Sodium(output)) return;</c>
/// </summary>
internal static class NativeRequirement
{
    public const string AllowMissingVariable = "OMEMO_ALLOW_MISSING_NATIVE";

    private static bool AllowMissing => Environment.GetEnvironmentVariable(AllowMissingVariable) == "1";

    public static bool Sodium(ITestOutputHelper output) =>
        Require(output, NativeBackends.IsSodiumAvailable, "libsodium.so.23", "apt-get install libsodium23", NativeBackends.SodiumFailure);

    public static bool XEdDsa(ITestOutputHelper output) =>
        Require(output, NativeBackends.IsXEdDsaAvailable, "libxeddsa.so.2", "apt-get install libxeddsa2", NativeBackends.XEdDsaFailure);

    public static bool SodiumAndXEdDsa(ITestOutputHelper output) => Sodium(output) & XEdDsa(output); // report both

    /// <summary>Both native backends, created, when <see cref="SodiumAndXEdDsa(ITestOutputHelper)"/> holds.</summary>
    public static bool SodiumAndXEdDsa(ITestOutputHelper output,
        [NotNullWhen(true)] out SodiumCurveBackend? sodium, [NotNullWhen(true)] out XEdDsaCurveBackend? xeddsa)
    {
        sodium = null;
        xeddsa = null;
        if (!SodiumAndXEdDsa(output)) return false;
        sodium = new SodiumCurveBackend();
        xeddsa = new XEdDsaCurveBackend();
        return true;
    }

    public static bool Shim(ITestOutputHelper output) =>
        Require(output, NativeBackends.IsShimAvailable, "libomemo_native_shim.so",
            "build it (cmake -S native -B native/build && cmake --build native/build && ctest --test-dir native/build; "
            + "needs apt-get install cmake pkg-config libsodium-dev) and copy native/build/libomemo_native_shim.so beside the test "
            + "binaries, or set OMEMO_NATIVE_SHIM=/absolute/path/to/libomemo_native_shim.so",
            NativeBackends.ShimFailure);

    private static bool Require(ITestOutputHelper output, bool available, string library, string remedy, string? reason)
    {
        if (available) return true;
        string message = $"{library} is not available ({reason ?? "unknown reason"}). To run this test: {remedy}.";
        if (AllowMissing)
        {
            output.WriteLine($"NATIVE TEST NOT RUN ({AllowMissingVariable}=1): {message}");
            return false;
        }
        Assert.Fail(message + $" (Set {AllowMissingVariable}=1 to let native tests pass without it.)");
        return false; // unreachable
    }
}
