using Omemo.Crypto;
using Omemo.Errors;
using Omemo.Native;
using Xunit.Abstractions;

namespace Omemo.InteropTests.Crypto;

/// <summary>Loading, naming and error reporting of the native backends.</summary>
public sealed class NativeLoadingTests(ITestOutputHelper output)
{
    [Fact]
    public void Libsodium_is_installed()
    {
        if (!NativeRequirement.Sodium(output)) return;
        Assert.Null(NativeBackends.SodiumFailure);
        Assert.Equal("libsodium", new SodiumCurveBackend().Name);
    }

    [Fact]
    public void Libxeddsa_is_installed()
    {
        if (!NativeRequirement.XEdDsa(output)) return;
        Assert.Null(NativeBackends.XEdDsaFailure);
        Assert.Equal("libxeddsa", new XEdDsaCurveBackend().Name);
    }

    [Fact]
    public void Shim_is_built_and_found()
    {
        if (!NativeRequirement.Shim(output)) return;
        var shim = new ShimBatch();
        output.WriteLine($"shim loaded from {shim.LibraryPath}");
        Assert.True(ShimBatch.IsAvailable);
        Assert.Null(NativeBackends.ShimFailure);
    }

    [Fact]
    public void Availability_probes_never_throw_and_are_stable()
    {
        bool[] first = [NativeBackends.IsSodiumAvailable, NativeBackends.IsXEdDsaAvailable, NativeBackends.IsShimAvailable];
        bool[] second = [NativeBackends.IsSodiumAvailable, NativeBackends.IsXEdDsaAvailable, NativeBackends.IsShimAvailable];
        Assert.Equal(first, second);
        output.WriteLine($"libsodium={first[0]} libxeddsa={first[1]} shim={first[2]}");
    }

    [Theory]
    [InlineData("libsodium", typeof(SodiumCurveBackend))]
    [InlineData(" LibSodium ", typeof(SodiumCurveBackend))]
    [InlineData("libxeddsa", typeof(XEdDsaCurveBackend))]
    [InlineData("LIBXEDDSA", typeof(XEdDsaCurveBackend))]
    public void Native_backends_are_created_by_name(string name, Type expected)
    {
        if (!NativeRequirement.SodiumAndXEdDsa(output)) return;
        ICurveBackend backend = NativeBackends.Create(name);
        Assert.IsType(expected, backend);
        Assert.Equal(name.Trim().ToLowerInvariant(), backend.Name);
        Assert.True(NativeBackends.TryCreate(name, out ICurveBackend? again));
        Assert.IsType(expected, again);
    }

    [Fact]
    public void Unknown_backend_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => NativeBackends.Create("openssl"));
        Assert.False(NativeBackends.TryCreate("openssl", out ICurveBackend? none));
        Assert.Null(none);
        Assert.False(NativeBackends.IsAvailable("openssl"));
        Assert.Equal(["managed", "libsodium", "libxeddsa"], NativeBackends.Names);
    }

    [Fact]
    public void Missing_library_exception_names_the_Debian_package()
    {
        var sodium = NativeLibraryMissingException.ForSodium("dlopen failed");
        Assert.IsAssignableFrom<OmemoException>(sodium);
        Assert.Contains("apt-get install libsodium23", sodium.Message);
        Assert.Contains("libsodium.so.23", sodium.Message);
        Assert.Contains("dlopen failed", sodium.Message);
        Assert.Equal("libsodium23", sodium.DebianPackage);

        var xeddsa = NativeLibraryMissingException.ForXEdDsa(null);
        Assert.Contains("apt-get install libxeddsa2", xeddsa.Message);
        Assert.Equal("libxeddsa.so.2", xeddsa.LibraryName);

        var shim = NativeLibraryMissingException.ForShim(null);
        Assert.Null(shim.DebianPackage);
        Assert.Contains("OMEMO_NATIVE_SHIM", shim.Message);
        Assert.Contains("cmake -S native -B native/build", shim.Message);
    }
}
