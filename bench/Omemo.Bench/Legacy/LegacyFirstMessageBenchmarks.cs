using BenchmarkDotNet.Attributes;
using Omemo.Bench.Shared;
using Omemo.Sessions.Legacy;
using Omemo.Xml.Legacy;

namespace Omemo.Bench.Legacy;

/// <summary>
/// The first legacy OMEMO 0.3 message to N new devices (<see cref="FirstMessageBenchmarksBase{TKind,TSession,TBundle}"/>):
/// <see cref="LegacySession"/> from each legacy bundle (signature check over 0x05 || spk, X3DH) and the first
/// encryption, a <c>PreKeyWhisperMessage</c>. Divide the reported time by N.
/// </summary>
[BenchmarkCategory("legacy-first-message")]
public class LegacyFirstMessageBenchmarks : FirstMessageBenchmarksBase<LegacyKind, LegacySession, LegacyBundle>;
