namespace Omemo.Crypto;

/// <summary>Which AES implementation <see cref="AesCbc"/> runs; internal so tests can exercise every path.</summary>
internal enum AesCbcBackend
{
    /// <summary>AES-NI when the CPU has it, otherwise the BCL.</summary>
    Auto = 0,

    /// <summary>The allocation-free AES-NI implementation (<see cref="AesNiCbc"/>); throws <see cref="PlatformNotSupportedException"/> without AES-NI.</summary>
    AesNi,

    /// <summary>The BCL <see cref="System.Security.Cryptography.Aes"/> fallback (<see cref="BclAesCbc"/>), which allocates a little per call.</summary>
    Bcl,
}
