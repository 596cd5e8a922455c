using BenchmarkDotNet.Attributes;
using Omemo.Bench.Shared;
using Omemo.Sessions;
using Omemo.X3dh;

namespace Omemo.Bench.FanOut;

/// <summary>
/// The first OMEMO 2 message to N new devices (<see cref="FirstMessageBenchmarksBase{TKind,TSession,TBundle}"/>): X3DH
/// from each bundle and the first ratchet encryption (an <c>OMEMOKeyExchange</c>). Divide the reported time by N.
/// </summary>
[BenchmarkCategory("first-message")]
public class FirstMessageBenchmarks : FirstMessageBenchmarksBase<OmemoTwoKind, OmemoSession, Bundle>;
