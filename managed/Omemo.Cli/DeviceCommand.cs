using System.CommandLine;

namespace Omemo.Cli;

/// <summary>Builds the commands that work on the device stored in <c>--db FILE</c> (bundle, encrypt, decrypt).</summary>
internal static class DeviceCommand
{
    /// <summary>
    /// A command with a required <c>--db</c> option and <paramref name="options"/>; its action opens the device
    /// (<see cref="DeviceDatabase.OpenAsync"/>), runs <paramref name="action"/> and closes it, failures reported by
    /// <see cref="CliErrors"/>.
    /// </summary>
    internal static Command Create(CliConsole console, string name, string description, IEnumerable<Option> options,
        Func<ParseResult, DeviceDatabase, CancellationToken, Task<int>> action)
    {
        var database = new Option<FileInfo>("--db") { Description = "SQLite file holding the device (see: omemo keygen --db FILE --jid JID).", Required = true };
        var command = new Command(name, description) { database };
        foreach (var option in options) command.Options.Add(option);
        command.SetAction((parse, ct) => CliErrors.RunAsync(console, async () =>
        {
            await using var device = await DeviceDatabase.OpenAsync(parse.GetValue(database)!, ct).ConfigureAwait(false);
            return await action(parse, device, ct).ConfigureAwait(false);
        }));
        return command;
    }
}
