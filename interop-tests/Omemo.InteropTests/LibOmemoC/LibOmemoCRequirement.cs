using Xunit.Abstractions;

namespace Omemo.InteropTests.LibOmemoC;

/// <summary>
/// No silent skips: a test that needs the libomemo-c peer fails, naming what to install and build, when the peer
/// executable is missing, unless OMEMO_ALLOW_MISSING_PEERS=1 is set; then it returns early and says so in its output.
/// Usage: <c>if (!LibOmemoCRequirement.Peer(output, out string peer)) return;</c>
/// </summary>
internal static class LibOmemoCRequirement
{
    public const string AllowMissingVariable = "OMEMO_ALLOW_MISSING_PEERS";

    public const string Remedy =
        "apt-get install libomemo-c-dev libssl-dev, then build native/ with cmake "
        + "(cmake -S native -B native/build -DCMAKE_BUILD_TYPE=Release && cmake --build native/build && ctest --test-dir native/build), "
        + "or set " + LibOmemoCPeer.PathVariable + "=/absolute/path/to/omemo_c_peer";

    public static bool Peer(ITestOutputHelper output, out string path)
    {
        string? found = LibOmemoCPeer.Locate(out string reason);
        if (found is not null)
        {
            path = found;
            output.WriteLine($"libomemo-c peer: {found}");
            return true;
        }
        path = "";
        string message = $"the libomemo-c peer (omemo_c_peer) is not available ({reason}). To run this test: {Remedy}.";
        if (Environment.GetEnvironmentVariable(AllowMissingVariable) == "1")
        {
            output.WriteLine($"PEER TEST NOT RUN ({AllowMissingVariable}=1): {message}");
            return false;
        }
        Assert.Fail(message + $" (Set {AllowMissingVariable}=1 to let peer tests pass without it.)");
        return false; // unreachable
    }
}
