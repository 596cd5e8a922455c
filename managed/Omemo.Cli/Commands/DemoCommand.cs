using System.CommandLine;
using System.Diagnostics;
using Omemo.Cli.Demo;
using Spectre.Console;

namespace Omemo.Cli.Commands;

/// <summary>
/// <c>omemo demo</c>: simulates a group chat (see <see cref="GroupChatDemo"/>) with a progress bar, then prints a
/// summary table (<see cref="DemoReport"/>). Exit code 0 only when nothing failed.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Creates the command.</summary>
    internal static Command Create(CliConsole console)
    {
        var members = new Option<int>("--members") { Description = "Group members (1..100).", DefaultValueFactory = _ => 5 };
        var devices = new Option<int>("--devices") { Description = "Devices per member, each a session manager over its own SQLite file (1..20).", DefaultValueFactory = _ => 3 };
        var messages = new Option<int>("--messages") { Description = "Messages sent to the group from random devices (1..100000).", DefaultValueFactory = _ => 200 };
        var directory = new Option<DirectoryInfo?>("--db-dir") { Description = "Keep the SQLite files in this directory (default: a fresh temporary directory, deleted at the end)." };
        var room = new Option<string>("--room") { Description = "The group chat's JID.", DefaultValueFactory = _ => "room@conference.example.org" };
        var seed = new Option<int>("--seed") { Description = "Seed of the random choice of senders.", DefaultValueFactory = _ => 1 };
        var mixed = new Option<bool>("--mixed") { Description = "Mix OMEMO versions: members in turn speak OMEMO 2 only, legacy OMEMO 0.3 only, or both." };
        var command = new Command("demo", "Simulate an OMEMO group chat (members x devices x messages) over SQLite stores and XML; print timings.")
        {
            members, devices, messages, directory, room, seed, mixed,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(console, () =>
        {
            int m = parse.GetValue(members), d = parse.GetValue(devices), k = parse.GetValue(messages);
            if (m is < 1 or > 100) throw new CliException("--members must be between 1 and 100");
            if (d is < 1 or > 20) throw new CliException("--devices must be between 1 and 20");
            if (m * d < 2) throw new CliException("the group needs at least two devices (--members or --devices)");
            if (k is < 1 or > 100_000) throw new CliException("--messages must be between 1 and 100000");
            string roomJid = CliOptions.BareJid(parse.GetValue(room)!, "--room");
            var kept = parse.GetValue(directory);
            string path = kept?.FullName ?? Directory.CreateTempSubdirectory("omemo-demo-").FullName;
            var settings = new DemoSettings(m, d, k, path, roomJid, parse.GetValue(seed), parse.GetValue(mixed));
            return RunAsync(console, settings, deleteDirectory: kept is null, ct);
        }));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, DemoSettings settings, bool deleteDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.Directory);
        DemoStatistics statistics;
        try
        {
            await using var demo = new GroupChatDemo(settings);
            statistics = demo.Statistics;
            long start = Stopwatch.GetTimestamp();
            await console.Ansi.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var setup = progress.AddTask("creating devices", maxValue: settings.Devices);
                    var sending = progress.AddTask("sending messages", autoStart: false, maxValue: settings.Messages);
                    await demo.CreateDevicesAsync(() => setup.Increment(1), cancellationToken).ConfigureAwait(false);
                    sending.StartTask();
                    for (int number = 1; number <= settings.Messages; number++)
                    {
                        await demo.SendAsync(number, cancellationToken).ConfigureAwait(false);
                        sending.Increment(1);
                    }
                }).ConfigureAwait(false);
            statistics.TotalTime = Stopwatch.GetElapsedTime(start);
        }
        finally
        {
            if (deleteDirectory) Directory.Delete(settings.Directory, recursive: true);
        }

        return Finish(console, settings, statistics, kept: !deleteDirectory);
    }

    /// <summary>
    /// Prints the summary table; with failures, also the kept failure descriptions (standard output) and one
    /// <c>error:</c> line (standard error, exit code 1).
    /// </summary>
    internal static int Finish(CliConsole console, DemoSettings settings, DemoStatistics statistics, bool kept)
    {
        console.Ansi.Write(DemoReport.Create(settings, statistics, kept));
        if (statistics.FailureCount == 0) return 0;
        foreach (string failure in statistics.Failures) console.Out.WriteLine($"failure: {failure}");
        return CliErrors.Report(console, $"{statistics.FailureCount} failures in the demo (first: {statistics.Failures[0]})");
    }
}
