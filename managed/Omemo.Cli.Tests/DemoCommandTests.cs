using System.Text.RegularExpressions;
using Omemo.Cli.Commands;
using Omemo.Cli.Demo;

namespace Omemo.Cli.Tests;

/// <summary><c>omemo demo</c> run in process with small parameters.</summary>
public sealed partial class DemoCommandTests
{
    [GeneratedRegex(@"^│ (?<figure>[^│]+?)\s+│ (?<value>[^│]+?)\s+│$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    private static Dictionary<string, string> Table(string output) =>
        TableRow().Matches(output).ToDictionary(m => m.Groups["figure"].Value, m => m.Groups["value"].Value);

    [Fact]
    public async Task Demo_SmallGroup_SucceedsWithoutFailures_AndPrintsTheTable()
    {
        var run = (await CliRun.InvokeAsync("demo", "--members", "2", "--devices", "2", "--messages", "12", "--seed", "7")).Succeeded();

        Assert.Equal("", run.Error);
        Assert.DoesNotContain('\u001b', run.Out); // not a terminal: plain text, no ANSI sequences
        var table = Table(run.Out);
        Assert.Equal("2", table["members"]);
        Assert.Equal("4 (2 per member)", table["devices"]);
        Assert.Equal("12", table["messages"]);
        Assert.Equal("36 key decryptions", table["recipient deliveries"]); // 12 messages x 3 other devices
        Assert.Equal("6 key exchanges", table["sessions built"]); // one per pair of the 4 devices
        Assert.Equal("6 delivered", table["automatic replies"]);
        Assert.Matches(@"^\d+\.\d \(total / recipients\)$", table["encrypt µs / recipient device"]);
        Assert.Matches(@"^\d+\.\d \(mean, incl\. XML parse\)$", table["decrypt µs / message / device"]);
        Assert.EndsWith("(deleted)", table["SQLite directory"]);
        Assert.Equal("0", table["failures"]);
        string directory = table["SQLite directory"][..^" (deleted)".Length];
        Assert.StartsWith(Path.Combine(Path.GetTempPath(), "omemo-demo-"), directory);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task Demo_Mixed_group_of_OMEMO_2_legacy_and_dual_members_delivers_everything_it_can()
    {
        var run = (await CliRun.InvokeAsync("demo", "--mixed", "--members", "3", "--devices", "1", "--messages", "30", "--seed", "5")).Succeeded();
        var table = Table(run.Out);
        Assert.Equal("0", table["failures"]);
        // alice (OMEMO 2) and bob (legacy) cannot reach each other; carol (both) reaches and is reached by both.
        long legacy = long.Parse(table["legacy deliveries"].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        long unreachable = long.Parse(table["members out of reach"].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(legacy > 0, "some messages travel as legacy OMEMO");
        Assert.True(unreachable > 0, "alice and bob share no OMEMO version");
        long deliveries = long.Parse(table["recipient deliveries"].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(30 * 2 - unreachable, deliveries); // every sender reaches the other two members unless out of reach
    }

    [Fact]
    public async Task Demo_KeptDirectory_IsReusedWithItsSessions()
    {
        using var temp = new TempDirectory();
        string[] args = ["demo", "--members", "2", "--devices", "2", "--messages", "10", "--seed", "3", "--db-dir", temp.Path];

        var first = Table((await CliRun.InvokeAsync(args)).Succeeded().Out);
        Assert.Equal($"{temp.Path} (kept)", first["SQLite directory"]);
        Assert.Equal("6 key exchanges", first["sessions built"]);
        Assert.Equal(["alice-1.db", "alice-2.db", "bob-1.db", "bob-2.db"],
            Directory.GetFiles(temp.Path, "*.db").Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Reopened from SQLite: same devices, every session already there.
        var second = Table((await CliRun.InvokeAsync(args)).Succeeded().Out);
        Assert.Equal("0 key exchanges", second["sessions built"]);
        Assert.Equal("30 key decryptions", second["recipient deliveries"]);
        Assert.Equal("0", second["failures"]);
    }

    [Fact]
    public async Task Demo_CloneOfADevice_CountsFailures_AndExitsWithOneErrorLine()
    {
        using var temp = new TempDirectory();
        (await CliRun.InvokeAsync("keygen", "--db", temp.File("alice-1.db"), "--jid", "alice@example.org")).Succeeded();
        File.Copy(temp.File("alice-1.db"), temp.File("alice-2.db")); // two devices with one id: alice-1's messages carry no key for alice-2

        var run = await CliRun.InvokeAsync("demo", "--members", "2", "--devices", "2", "--messages", "10", "--seed", "1", "--db-dir", temp.Path);

        Assert.Equal(1, run.ExitCode);
        var table = Table(run.Out);
        Assert.NotEqual("0", table["failures"]);
        string error = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {table["failures"]} failures in the demo (first: message ", error);
        Assert.Contains("failure: message ", run.Out);
    }

    [Fact]
    public void Finish_WithFailures_ListsThemAndReportsOneError()
    {
        var statistics = new DemoStatistics();
        statistics.Fail("message 1: decryption at x@example.org/1 failed: AuthenticationFailedException: bad MAC");
        statistics.Fail("message 2: wrong plaintext");
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = DemoCommand.Finish(CliConsole.Captured(output, error),
            new DemoSettings(2, 1, 2, "/tmp/x", "room@conference.example.org", 1), statistics, kept: true);

        Assert.Equal(1, exitCode);
        Assert.Equal("2", Table(output.ToString())["failures"]);
        Assert.Contains("failure: message 2: wrong plaintext", output.ToString());
        Assert.Equal("error: 2 failures in the demo (first: message 1: decryption at x@example.org/1 failed: AuthenticationFailedException: bad MAC)" + Environment.NewLine,
            error.ToString());
    }

    [Theory]
    [InlineData("--members", "0", "--members must be between 1 and 100")]
    [InlineData("--devices", "21", "--devices must be between 1 and 20")]
    [InlineData("--messages", "0", "--messages must be between 1 and 100000")]
    [InlineData("--room", "a room", "--room: not a JID: 'a room'")]
    public async Task Demo_BadParameters_AreOneLineErrors(string option, string value, string message)
    {
        (await CliRun.InvokeAsync("demo", option, value)).FailedWith(message);
    }

    [Fact]
    public async Task Demo_OneDeviceInAll_IsRefused()
    {
        (await CliRun.InvokeAsync("demo", "--members", "1", "--devices", "1"))
            .FailedWith("the group needs at least two devices (--members or --devices)");
    }
}
