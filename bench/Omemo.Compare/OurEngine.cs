using Omemo.Bench.Shared;
using Omemo.Sessions;
using Omemo.Sessions.Legacy;
using Omemo.X3dh;
using Omemo.Xml.Legacy;

namespace Omemo.Compare;

/// <summary>
/// Our engine's side of the comparison: the same workloads as <c>bench/python/omemo_bench.py</c> and
/// <c>native/omemo_c_bench</c>, in memory, for OMEMO 2 (W1..W4) or legacy OMEMO 0.3 (L1..L4). Each way of doing
/// workloads 1 and 4 is an <see cref="IFanOut{TSession}"/>: add or switch one in <see cref="FanOuts"/> (or
/// <see cref="LegacyFanOuts"/>) and it is measured and reported under its own engine name.
/// </summary>
public static class OurEngine
{
    /// <summary>The JID of every recipient device.</summary>
    public const string RecipientJid = BenchAddress.RecipientJid;

    /// <summary>The sender's device id (<c>sid</c>).</summary>
    public const uint SenderDeviceId = BenchAddress.SenderDeviceId;

    /// <summary>The W1/W4 strategies measured; the first one is the per-session baseline.</summary>
    public static IReadOnlyList<Func<IFanOut<OmemoSession>>> FanOuts { get; } =
        [() => new PerSessionFanOut<OmemoTwoKind, OmemoSession, Bundle>(), () => new BatchFanOut()];

    /// <summary>The L1/L4 strategies measured; the first one is the per-session baseline.</summary>
    public static IReadOnlyList<Func<IFanOut<LegacySession>>> LegacyFanOuts { get; } =
        [() => new PerSessionFanOut<LegacyKind, LegacySession, LegacyBundle>(), () => new LegacyBatchFanOut()];

    /// <summary>Runs every workload of <paramref name="options"/> (of its <see cref="WorkloadOptions.Protocol"/>) and hands each result to <paramref name="emit"/>.</summary>
    public static void Run(WorkloadOptions options, Action<Measurement> emit)
    {
        if (options.Protocol == Protocol.Legacy) EngineWorkloads<LegacyKind, LegacySession, LegacyBundle>.Run(options, LegacyFanOuts, emit);
        else EngineWorkloads<OmemoTwoKind, OmemoSession, Bundle>.Run(options, FanOuts, emit);
    }
}
