using System.Diagnostics.CodeAnalysis;
using Omemo.Crypto;
using Omemo.Native.Interop;

namespace Omemo.Native;

/// <summary>
/// Discovery and selection of curve backends by name: <c>"managed"</c> (the default, always available),
/// <c>"libsodium"</c> (<see cref="SodiumCurveBackend"/>) and <c>"libxeddsa"</c> (<see cref="XEdDsaCurveBackend"/>).
/// The availability properties try to load and initialise the library once per process and never throw.
/// </summary>
public static class NativeBackends
{
    /// <summary>Name of the managed backend, <see cref="ManagedCurveBackend"/>.</summary>
    public const string Managed = "managed";

    /// <summary>Name of <see cref="SodiumCurveBackend"/>.</summary>
    public const string Sodium = SodiumCurveBackend.BackendName;

    /// <summary>Name of <see cref="XEdDsaCurveBackend"/>.</summary>
    public const string XEdDsa = XEdDsaCurveBackend.BackendName;

    /// <summary>Every backend name <see cref="Create"/> knows, available or not.</summary>
    public static IReadOnlyList<string> Names { get; } = [Managed, Sodium, XEdDsa];

    /// <summary>True when libsodium.so.23 (or an unversioned libsodium) loads, has every function used, and initialises.</summary>
    public static bool IsSodiumAvailable => NativeLoader.Sodium.Ready;

    /// <summary>True when libxeddsa.so.2 (or an unversioned libxeddsa) loads, has every function used, and initialises.</summary>
    public static bool IsXEdDsaAvailable => NativeLoader.XEdDsa.Ready;

    /// <summary>True when libomemo_native_shim.so is found (see <see cref="ShimBatch"/>), has ABI version 1, and initialises.</summary>
    public static bool IsShimAvailable => NativeLoader.Shim.Ready;

    /// <summary>Why libsodium is unavailable (loader message), or null when it is available.</summary>
    public static string? SodiumFailure => NativeLoader.Sodium.Failure;

    /// <summary>Why libxeddsa is unavailable (loader message), or null when it is available.</summary>
    public static string? XEdDsaFailure => NativeLoader.XEdDsa.Failure;

    /// <summary>Why the shim is unavailable (loader message), or null when it is available.</summary>
    public static string? ShimFailure => NativeLoader.Shim.Failure;

    /// <summary>Whether the backend called <paramref name="name"/> can be created here; false for unknown names.</summary>
    public static bool IsAvailable(string name) => Normalize(name) switch
    {
        Managed => true,
        Sodium => IsSodiumAvailable,
        XEdDsa => IsXEdDsaAvailable,
        _ => false,
    };

    /// <summary>Creates the backend called <paramref name="name"/> (case-insensitive, surrounding spaces ignored).</summary>
    /// <exception cref="ArgumentException">The name is none of <see cref="Names"/>.</exception>
    /// <exception cref="NativeLibraryMissingException">A native backend was named but its library is missing; the message names the Debian package.</exception>
    public static ICurveBackend Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Normalize(name) switch
        {
            Managed => new ManagedCurveBackend(),
            Sodium => new SodiumCurveBackend(),
            XEdDsa => new XEdDsaCurveBackend(),
            _ => throw new ArgumentException($"Unknown curve backend '{name}'; expected one of: {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>Like <see cref="Create"/>, but returns false instead of throwing for unknown names and missing libraries.</summary>
    public static bool TryCreate(string name, [NotNullWhen(true)] out ICurveBackend? backend)
    {
        backend = null;
        if (name is null || !IsAvailable(name)) return false;
        backend = Create(name);
        return true;
    }

    private static string Normalize(string name) => name.Trim().ToLowerInvariant();
}
