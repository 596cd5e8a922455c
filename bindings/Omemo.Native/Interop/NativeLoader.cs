using System.Reflection;
using System.Runtime.InteropServices;

namespace Omemo.Native.Interop;

/// <summary>
/// Finds, loads and initialises the optional native libraries. Owns the assembly's single
/// <see cref="NativeLibrary.SetDllImportResolver"/> registration, so every <c>[LibraryImport]</c> in this
/// assembly resolves through <see cref="Resolve"/>. Nothing here throws: a library that cannot be loaded,
/// lacks a symbol or fails to initialise is reported as not ready, with a reason for the error message.
/// </summary>
internal static class NativeLoader
{
    /// <summary>Library name used by <see cref="Sodium"/>'s imports: Debian's file name of libsodium.</summary>
    internal const string SodiumLibrary = "libsodium.so.23";

    /// <summary>Library name used by <see cref="XEdDsaLib"/>'s imports: Debian's file name of libxeddsa.</summary>
    internal const string XEdDsaLibrary = "libxeddsa.so.2";

    /// <summary>Library name used by <see cref="Shim"/>'s imports: the file CMake builds from native/.</summary>
    internal const string ShimLibrary = "libomemo_native_shim.so";

    /// <summary>Environment variable that may hold the absolute path of <see cref="ShimLibrary"/>.</summary>
    internal const string ShimPathVariable = "OMEMO_NATIVE_SHIM";

    internal const string SodiumPackage = "libsodium23";
    internal const string XEdDsaPackage = "libxeddsa2";

    // Symbols each binding calls; a library missing any of them is treated as unavailable rather than
    // failing later with EntryPointNotFoundException in the middle of a protocol run.
    private static readonly string[] SodiumExports =
    [
        "sodium_init", "crypto_scalarmult_curve25519", "crypto_scalarmult_curve25519_base",
        "crypto_sign_seed_keypair", "crypto_sign_detached", "crypto_sign_verify_detached",
        "crypto_sign_ed25519_pk_to_curve25519", "crypto_sign_ed25519_sk_to_curve25519",
    ];

    private static readonly string[] XEdDsaExports =
    [
        "xeddsa_init", "ed25519_priv_sign", "ed25519_seed_sign", "ed25519_verify",
        "curve25519_pub_to_ed25519_pub", "ed25519_pub_to_curve25519_pub", "priv_to_curve25519_pub",
        "priv_to_ed25519_pub", "seed_to_ed25519_pub", "priv_force_sign", "seed_to_priv", "x25519",
    ];

    private static readonly string[] ShimExports =
    [
        "omemo_shim_abi_version", "omemo_shim_init", "omemo_x25519_batch", "omemo_x25519_base_batch",
        "omemo_ed25519_sign_batch", "omemo_ed25519_verify_batch",
    ];

    private static readonly Lazy<LoadResult> SodiumHandle = new(() => LoadFirst(SodiumLibrary, "libsodium.so", "libsodium"));
    private static readonly Lazy<LoadResult> XEdDsaHandle = new(() => LoadFirst(XEdDsaLibrary, "libxeddsa.so", "libxeddsa"));
    private static readonly Lazy<LoadResult> ShimHandle = new(LoadShim);

    private static readonly Lazy<LibraryStatus> SodiumState = new(() => Safely(InitSodium));
    private static readonly Lazy<LibraryStatus> XEdDsaState = new(() => Safely(InitXEdDsa));
    private static readonly Lazy<LibraryStatus> ShimState = new(() => Safely(InitShim));

    static NativeLoader()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeLoader).Assembly, Resolve);
    }

    /// <summary>
    /// Runs this type's static constructor (the resolver registration) and nothing else. The import classes call
    /// it from their own static constructors, so a stray direct call still resolves through <see cref="Resolve"/>;
    /// it must not touch the lazy states, whose initialisers call into those classes.
    /// </summary>
    internal static void EnsureResolverRegistered()
    {
    }

    /// <summary>libsodium loaded, complete, and <c>sodium_init()</c> succeeded (runs once).</summary>
    internal static LibraryStatus Sodium => SodiumState.Value;

    /// <summary>libxeddsa loaded, complete, and <c>xeddsa_init()</c> succeeded (runs once).</summary>
    internal static LibraryStatus XEdDsa => XEdDsaState.Value;

    /// <summary>The shim loaded, has the expected ABI version, and <c>omemo_shim_init()</c> succeeded (runs once).</summary>
    internal static LibraryStatus Shim => ShimState.Value;

    /// <summary>Where the shim was loaded from, or null when it was not.</summary>
    internal static string? ShimPath => ShimHandle.Value.LoadedFrom;

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) => libraryName switch
    {
        SodiumLibrary => SodiumHandle.Value.Handle,
        XEdDsaLibrary => XEdDsaHandle.Value.Handle,
        ShimLibrary => ShimHandle.Value.Handle,
        _ => IntPtr.Zero, // not ours: default probing
    };

    // Debian's versioned file name first, then the unversioned development symlink, then the bare name,
    // which lets NativeLibrary apply the platform's own prefix/suffix rules.
    private static LoadResult LoadFirst(params string[] names)
    {
        string? firstError = null;
        foreach (string name in names)
        {
            try
            {
                return new LoadResult(NativeLibrary.Load(name, typeof(NativeLoader).Assembly, null), name, null);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                firstError ??= string.Join(" | ", e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
        }
        return new LoadResult(IntPtr.Zero, null, firstError);
    }

    private static LoadResult LoadShim()
    {
        string? explicitPath = Environment.GetEnvironmentVariable(ShimPathVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            // An explicit path is taken literally and alone: silently using some other copy would hide a mistake.
            if (!Path.IsPathFullyQualified(explicitPath))
            {
                return new LoadResult(IntPtr.Zero, null, $"{ShimPathVariable} must be an absolute path, got '{explicitPath}'.");
            }
            return LoadFirst(explicitPath);
        }

        var candidates = new List<string>(3);
        string? assemblyDir = Path.GetDirectoryName(typeof(NativeLoader).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDir)) candidates.Add(Path.Combine(assemblyDir, ShimLibrary));
        string baseDir = Path.Combine(AppContext.BaseDirectory, ShimLibrary);
        if (!candidates.Contains(baseDir)) candidates.Add(baseDir);
        candidates.Add(ShimLibrary); // the dynamic linker's search path (LD_LIBRARY_PATH, ldconfig)
        return LoadFirst([.. candidates]);
    }

    // The availability probes promise never to throw; whatever a broken library does becomes a reason.
    private static LibraryStatus Safely(Func<LibraryStatus> init)
    {
        try
        {
            return init();
        }
        catch (Exception e)
        {
            return LibraryStatus.Fail($"{e.GetType().Name}: {e.Message}");
        }
    }

    private static LibraryStatus InitSodium()
    {
        LibraryStatus status = Check(SodiumHandle.Value, SodiumLibrary, SodiumExports);
        if (!status.Ready) return status;
        return Interop.Sodium.sodium_init() < 0
            ? LibraryStatus.Fail($"{SodiumLibrary}: sodium_init() failed.")
            : status;
    }

    private static LibraryStatus InitXEdDsa()
    {
        LibraryStatus status = Check(XEdDsaHandle.Value, XEdDsaLibrary, XEdDsaExports);
        if (!status.Ready) return status;
        return XEdDsaLib.xeddsa_init() < 0
            ? LibraryStatus.Fail($"{XEdDsaLibrary}: xeddsa_init() failed.")
            : status;
    }

    private static LibraryStatus InitShim()
    {
        LibraryStatus status = Check(ShimHandle.Value, ShimLibrary, ShimExports);
        if (!status.Ready) return status;
        int abi = Interop.Shim.omemo_shim_abi_version();
        if (abi != Interop.Shim.AbiVersion)
        {
            return LibraryStatus.Fail($"{ShimHandle.Value.LoadedFrom}: ABI version {abi}, this binding needs {Interop.Shim.AbiVersion}; rebuild native/.");
        }
        return Interop.Shim.omemo_shim_init() != 0
            ? LibraryStatus.Fail($"{ShimHandle.Value.LoadedFrom}: omemo_shim_init() failed.")
            : status;
    }

    private static LibraryStatus Check(LoadResult load, string library, string[] exports)
    {
        if (load.Handle == IntPtr.Zero)
        {
            return LibraryStatus.Fail(load.Error ?? $"{library} could not be loaded.");
        }
        foreach (string export in exports)
        {
            if (!NativeLibrary.TryGetExport(load.Handle, export, out _))
            {
                return LibraryStatus.Fail($"{load.LoadedFrom} was loaded but does not export '{export}' (too old or a different library).");
            }
        }
        return LibraryStatus.Ok;
    }

    private readonly record struct LoadResult(IntPtr Handle, string? LoadedFrom, string? Error);
}

/// <summary>Outcome of loading and initialising one native library.</summary>
internal readonly record struct LibraryStatus(bool Ready, string? Failure)
{
    internal static LibraryStatus Ok => new(true, null);

    internal static LibraryStatus Fail(string reason) => new(false, reason);
}
