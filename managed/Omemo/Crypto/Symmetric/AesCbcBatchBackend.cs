namespace Omemo.Crypto;

/// <summary>Which implementation <see cref="AesCbcBatch"/> runs; internal so tests and benchmarks can force every path.</summary>
internal enum AesCbcBatchBackend
{
    /// <summary>The fastest path this CPU supports: <see cref="Interleaved"/> with AES-NI, otherwise <see cref="PerLaneBcl"/>.</summary>
    Auto = 0,

    /// <summary>AES-NI with <see cref="AesCbcBatchAesNi.Width"/> lanes interleaved (<see cref="AesCbcBatchAesNi"/>); throws <see cref="PlatformNotSupportedException"/> without AES-NI.</summary>
    Interleaved,

    /// <summary>One <see cref="AesCbc"/> call per lane on its AES-NI backend; throws <see cref="PlatformNotSupportedException"/> without AES-NI.</summary>
    PerLaneAesNi,

    /// <summary>One <see cref="AesCbc"/> call per lane on the BCL backend (the fallback for CPUs without AES-NI; allocates a little per lane).</summary>
    PerLaneBcl,
}
