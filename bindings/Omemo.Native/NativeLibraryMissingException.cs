using Omemo.Errors;

namespace Omemo.Native;

/// <summary>
/// A native backend was requested but its library could not be loaded or initialised. The message says
/// which library, why, and how to install it (for the Debian libraries: the <c>apt-get install</c> line).
/// Only thrown when a native backend is asked for explicitly; the managed backend never needs one.
/// </summary>
public sealed class NativeLibraryMissingException : OmemoException
{
    internal NativeLibraryMissingException(string libraryName, string? debianPackage, string installHint, string? reason)
        : base(BuildMessage(libraryName, installHint, reason))
    {
        LibraryName = libraryName;
        DebianPackage = debianPackage;
        InstallHint = installHint;
    }

    /// <summary>File name of the missing library, e.g. <c>libsodium.so.23</c>.</summary>
    public string LibraryName { get; }

    /// <summary>The Debian package that provides it (<c>libsodium23</c>, <c>libxeddsa2</c>), or null for the project's own shim.</summary>
    public string? DebianPackage { get; }

    /// <summary>What to do about it, e.g. <c>apt-get install libsodium23</c>.</summary>
    public string InstallHint { get; }

    internal static NativeLibraryMissingException ForSodium(string? reason) =>
        new(Interop.NativeLoader.SodiumLibrary, Interop.NativeLoader.SodiumPackage, "apt-get install " + Interop.NativeLoader.SodiumPackage, reason);

    internal static NativeLibraryMissingException ForXEdDsa(string? reason) =>
        new(Interop.NativeLoader.XEdDsaLibrary, Interop.NativeLoader.XEdDsaPackage, "apt-get install " + Interop.NativeLoader.XEdDsaPackage, reason);

    internal static NativeLibraryMissingException ForShim(string? reason) =>
        new(Interop.NativeLoader.ShimLibrary, null, ShimInstallHint, reason);

    /// <summary>How to build and locate the shim (same commands as native/CMakeLists.txt documents).</summary>
    internal const string ShimInstallHint =
        "build it with 'apt-get install cmake pkg-config libsodium-dev && cmake -S native -B native/build && cmake --build native/build && ctest --test-dir native/build', "
        + "then copy native/build/libomemo_native_shim.so beside Omemo.Native.dll or set "
        + Interop.NativeLoader.ShimPathVariable + "=/absolute/path/to/libomemo_native_shim.so";

    private static string BuildMessage(string libraryName, string installHint, string? reason) =>
        $"Native library {libraryName} is not available"
        + (string.IsNullOrEmpty(reason) ? "." : $" ({reason}).")
        + $" To use this backend, {installHint}.";
}
