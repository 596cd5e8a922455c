using BenchmarkDotNet.Attributes;
using Omemo.Bench.Shared;
using Omemo.Sessions;
using Omemo.X3dh;

namespace Omemo.Bench.FanOut;

/// <summary>
/// OMEMO 2 decryption (<see cref="DecryptBenchmarksBase{TKind,TSession,TBundle}"/>): a follow-up key, a whole follow-up
/// message (key and 200-byte payload), and a first message (an <c>OMEMOKeyExchange</c>).
/// </summary>
[BenchmarkCategory("decrypt")]
public class DecryptBenchmarks : DecryptBenchmarksBase<OmemoTwoKind, OmemoSession, Bundle>;
