using System.Diagnostics;
using Omemo.Compare;

// dotnet run --project bench/Omemo.Compare -c Release -- run     (what `dotnet cake --target=Compare` does)
//   run [--smoke] [--results bench/RESULTS.md] [--png bench/results/compare.png] [--command TEXT] [--namespace NS]
//       runs ours, python-omemo and libomemo-c one after the other, first for OMEMO 2 (W1..W4), then for legacy
//       OMEMO 0.3 (L1..L4), and writes each protocol's comparison section + PNG (the legacy PNG goes next to the
//       --png one as compare-legacy.png); --namespace urn:xmpp:omemo:2 or eu.siacs.conversations.axolotl runs one
//       (--smoke: N = 1..2, one repetition, writes nothing unless --results/--png are given)
//   engine [--w1 1,10 --w2 1 --w3 300 --w4 1000 --reps 7 --min-ms 20] [--namespace eu.siacs.conversations.axolotl]
//       our engine's harness alone (JSON lines), the child process that `run` starts
return args.FirstOrDefault() switch
{
    "engine" => Engine(args[1..]),
    "run" => Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Omemo.Compare run [--smoke] [--results PATH] [--png PATH] [--command TEXT] [--namespace NS] | engine [workload options]");
    return 2;
}

static int Engine(string[] args)
{
    var options = WorkloadOptions.Parse(args, WorkloadOptions.Full);
    Console.WriteLine($"{{\"meta\":true,\"engine\":\"ours\",\"dotnet\":\"{MachineInfo.DotNet}\"}}");
    OurEngine.Run(options, m => { Console.WriteLine(m.ToJsonLine()); Console.Out.Flush(); });
    return 0;
}

static int Run(string[] args)
{
    bool smoke = args.Contains("--smoke");
    string? Option(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    string root = Harness.FindRoot(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
    string? results = Option("--results") ?? (smoke ? null : Path.Combine(root, "bench", "RESULTS.md"));
    string? png = Option("--png") ?? (smoke ? null : Path.Combine(root, "bench", "results", "compare.png"));
    string? only = Option("--namespace");
    string command = Option("--command") ?? "dotnet run --project bench/Omemo.Compare -c Release -- run"
        + (smoke ? " --smoke" : "") + (only is null ? "" : " --namespace " + only);

    foreach (var protocol in only is null ? Protocol.All : [Protocol.FromNamespace(only)])
    {
        Console.Error.WriteLine($"== {protocol.Name} ({protocol.Namespace})");
        var started = DateTimeOffset.UtcNow;
        long start = Stopwatch.GetTimestamp();
        var outcomes = CompareRunner.RunAll(root, smoke, Console.Error, protocol);
        var all = outcomes.Where(o => o.Run is not null).SelectMany(o => o.Run!.Measurements).ToList();
        string notesPath = Path.Combine(root, "bench", "results", protocol.NotesFile);
        var context = new Report.Context(command, started, Stopwatch.GetElapsedTime(start), CompareRunner.Versions(outcomes),
            "results/" + protocol.PlotFile, File.Exists(notesPath) ? File.ReadAllText(notesPath) : null);
        string section = Report.Build(all, context, protocol);
        Console.WriteLine(section);
        if (png is not null)
            ComparePlot.Save(all, protocol.IsDefault ? png : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(png))!, protocol.PlotFile), protocol);
        if (results is not null)
            File.WriteAllText(results, Report.Splice(File.Exists(results) ? File.ReadAllText(results) : "# Benchmark results\n", section, protocol.Heading));
    }
    return 0;
}
