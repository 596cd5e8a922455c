using System.Text;
using Omemo.CrashWorker;
using Omemo.Pep;
using Omemo.Sessions;
using Omemo.Storage;
using Omemo.TrustPolicies;

// Omemo.CrashWorker --store FILE --jid JID --pep-log FILE
// Opens (or creates) the device in the SQLite store FILE on a PEP service rebuilt from the PEP log, writes
// "READY deviceId $", then runs the commands read from stdin (see WorkerCommand), answering each with one
// WorkerAck line once the engine returned. Exits 0 at the end of stdin, 2 on bad arguments.
if (args.Length != 6 || args[0] != "--store" || args[2] != "--jid" || args[4] != "--pep-log")
{
    await Console.Error.WriteLineAsync("usage: Omemo.CrashWorker --store FILE --jid JID --pep-log FILE");
    return 2;
}
string storePath = args[1], jid = args[3], pepLogPath = args[5];

var pep = new InMemoryPepService();
PepLog.Replay(pepLogPath, pep);
await using var store = await SqliteOmemoStore.OpenAsync(storePath);
using var manager = await SessionManager.CreateAsync(store, new InMemoryPepTransport(pep, jid),
    BlindTrustBeforeVerificationPolicy.Instance, jid);

await using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
await output.WriteLineAsync(WorkerReady.ToLine(manager.DeviceId));
await output.FlushAsync();
var runner = new CommandRunner(manager, Console.Error);
while (await Console.In.ReadLineAsync() is { } line)
{
    if (line.Length == 0) continue;
    var ack = await runner.RunAsync(WorkerCommand.Parse(line));
    await output.WriteLineAsync(ack.ToLine()); // only after the engine committed: this line is the acknowledgement
    await output.FlushAsync();
}
return 0;
