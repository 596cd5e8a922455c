using BenchmarkDotNet.Attributes;
using Omemo.Bench.Shared;
using Omemo.Sessions.Legacy;
using Omemo.Xml.Legacy;

namespace Omemo.Bench.Legacy;

/// <summary>
/// Legacy OMEMO 0.3 decryption (<see cref="DecryptBenchmarksBase{TKind,TSession,TBundle}"/>): a follow-up
/// <c>WhisperMessage</c>, a whole follow-up message (key and 200-byte AES-128-GCM payload,
/// <see cref="LegacySession.DecryptMessage"/>), and a first message (a <c>PreKeyWhisperMessage</c>).
/// </summary>
[BenchmarkCategory("legacy-decrypt")]
public class LegacyDecryptBenchmarks : DecryptBenchmarksBase<LegacyKind, LegacySession, LegacyBundle>;
