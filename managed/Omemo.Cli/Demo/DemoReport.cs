using System.Globalization;
using Spectre.Console;

namespace Omemo.Cli.Demo;

/// <summary>The summary table of <c>omemo demo</c>.</summary>
internal static class DemoReport
{
    /// <summary>Builds the table (plain values, one row per figure).</summary>
    /// <param name="settings">What was simulated.</param>
    /// <param name="statistics">What was measured.</param>
    /// <param name="kept">Whether the SQLite directory is kept (given with <c>--db-dir</c>) or deleted.</param>
    internal static Table Create(DemoSettings settings, DemoStatistics statistics, bool kept)
    {
        var table = new Table().Title("omemo demo: OMEMO group chat over SQLite and XML").AddColumn("figure").AddColumn(new TableColumn("value"));
        void Row(string figure, string value) => table.AddRow(Markup.Escape(figure), Markup.Escape(value));

        Row("members", Number(settings.Members));
        Row("devices", $"{Number(settings.Devices)} ({settings.DevicesPerMember} per member)");
        Row("messages", Number(statistics.Messages));
        Row("recipient deliveries", $"{Number(statistics.Decryptions)} key decryptions");
        Row("sessions built", $"{Number(statistics.KeyExchanges)} key exchanges");
        Row("automatic replies", $"{Number(statistics.Replies)} delivered");
        if (settings.Mixed)
        {
            Row("OMEMO versions", "alice-like members OMEMO 2 only, bob-like legacy 0.3 only, carol-like both (in turn)");
            Row("legacy deliveries", $"{Number(statistics.LegacyDecryptions)} of the key decryptions");
            Row("members out of reach", $"{Number(statistics.Unreachable)} (no common OMEMO version with the sender)");
        }
        Row("encrypt µs / recipient device", $"{Micros(statistics.EncryptTime, statistics.RecipientKeys)} (total / recipients)");
        Row("decrypt µs / message / device", $"{Micros(statistics.DecryptTime, statistics.Decryptions)} (mean, incl. XML parse)");
        Row("stanza size", statistics.Messages == 0 ? "-" : $"{Number(statistics.StanzaCharacters / statistics.Messages)} characters (mean)");
        Row("device setup", $"{Millis(statistics.SetupTime)} ms");
        Row("total time", $"{Millis(statistics.TotalTime)} ms");
        Row("SQLite directory", $"{settings.Directory} ({(kept ? "kept" : "deleted")})");
        Row("failures", Number(statistics.FailureCount));
        return table;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Millis(TimeSpan time) => time.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);

    private static string Micros(TimeSpan total, long count) =>
        count == 0 ? "-" : (total.TotalMicroseconds / count).ToString("F1", CultureInfo.InvariantCulture);
}
