using Omemo.Bench.Shared;

namespace Omemo.Compare;

/// <summary>
/// The four workloads of one OMEMO version (<typeparamref name="TKind"/>) on our engine, over a
/// <see cref="SessionFleet{TKind,TSession,TBundle}"/>: 3 (decrypt follow-ups) first, then 1 (next-message fan-out)
/// for every fan-out strategy, 2 (first message), and 4 (a whole message including the XML) for every strategy.
/// </summary>
/// <typeparam name="TKind">The version.</typeparam>
/// <typeparam name="TSession">Its session type.</typeparam>
/// <typeparam name="TBundle">Its bundle type.</typeparam>
public sealed class EngineWorkloads<TKind, TSession, TBundle> : IDisposable
    where TKind : ISessionKind<TSession, TBundle> where TSession : IDisposable
{
    /// <summary>The engine name of the workloads without strategies (2 and 3).</summary>
    public const string Engine = "ours";

    private readonly SessionFleet<TKind, TSession, TBundle> _fleet;
    private readonly byte[] _keyMaterial = new byte[TKind.KeyMaterialSize];
    private readonly Queue<byte[]> _followUps = new();

    /// <summary>Creates <paramref name="devices"/> receivers (one pre-key each) and confirmed sessions to the first <paramref name="established"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="established"/> is below 1 (workload 3 needs a session).</exception>
    public EngineWorkloads(int devices, int established)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(established, 1);
        Array.Fill(_keyMaterial, (byte)0x5a);
        _fleet = new SessionFleet<TKind, TSession, TBundle>(devices).Establish(established);
    }

    /// <summary>Runs the workloads of <paramref name="options"/> with <paramref name="fanOuts"/> and hands each result to <paramref name="emit"/>.</summary>
    public static void Run(WorkloadOptions options, IReadOnlyList<Func<IFanOut<TSession>>> fanOuts, Action<Measurement> emit)
    {
        using var engine = new EngineWorkloads<TKind, TSession, TBundle>(options.Devices, options.EstablishedSessions);
        engine.RunAll(options, fanOuts, emit);
    }

    private void RunAll(WorkloadOptions options, IReadOnlyList<Func<IFanOut<TSession>>> fanOuts, Action<Measurement> emit)
    {
        var p = options.Protocol;
        // Workload 3 first: workload 1 then sends thousands of messages on session 0.
        for (int i = 0; i < options.W3 * (options.Reps + 1); i++) _followUps.Enqueue(TKind.Encrypt(_fleet.SenderSessions[0], _keyMaterial));
        emit(Timing.Measure(Engine, p.Workload(3), DecryptFollowUps, options.W3, options.W3, options, fixedInner: 1));
        foreach (var make in fanOuts)
        {
            using var fanOut = make();
            foreach (int n in options.W1)
                emit(Timing.Measure(fanOut.Name, p.Workload(1), k => fanOut.Encrypt(_fleet.SenderSessions.AsSpan(0, k), _keyMaterial), n, n, options));
        }
        foreach (int n in options.W2) emit(Timing.Measure(Engine, p.Workload(2), FirstMessages, n, n, options));
        if (options.W4 <= 0) return;
        foreach (var make in fanOuts)
        {
            using var fanOut = make();
            emit(Timing.Measure(fanOut.Name, p.Workload(4), k => fanOut.EncryptXml(_fleet.SenderSessions.AsSpan(0, k), "hello"u8), options.W4, 1, options));
        }
    }

    private void DecryptFollowUps(int n)
    {
        for (int i = 0; i < n; i++) TKind.Decrypt(_fleet.RecipientSessions[0], _followUps.Dequeue());
    }

    private void FirstMessages(int n)
    {
        for (int i = 0; i < n; i++) _fleet.FirstMessage(_fleet.Bundles[i], _keyMaterial);
    }

    /// <summary>Disposes the sessions and devices.</summary>
    public void Dispose() => _fleet.Dispose();
}
