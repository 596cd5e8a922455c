// The fleets of the benchmarks: one sender, N recipient devices and confirmed sessions (bench/Shared/SessionFleet.cs).
global using Fleet = Omemo.Bench.Shared.SessionFleet<Omemo.Bench.Shared.OmemoTwoKind, Omemo.Sessions.OmemoSession, Omemo.X3dh.Bundle>;
global using LegacyFleet = Omemo.Bench.Shared.SessionFleet<Omemo.Bench.Shared.LegacyKind, Omemo.Sessions.Legacy.LegacySession, Omemo.Xml.Legacy.LegacyBundle>;
