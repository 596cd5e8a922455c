using System.Text.Json;
using System.Text.Json.Nodes;

namespace Omemo.Compare;

/// <summary>
/// One (engine, workload, N) result as every harness prints it, one JSON line:
/// <c>{"engine":"libomemo-c","workload":"W1","n":10,"inner":K,"us":[...]}</c>, or with <c>"skipped":"why"</c>.
/// <see cref="Us"/> holds one value per repetition: µs per recipient device (W1, W2), per message (W3), or per whole
/// message to N devices (W4).
/// </summary>
public sealed record Measurement(string Engine, string Workload, int N, int Inner, double[] Us, string? Skipped = null)
{
    /// <summary>The median of the repetitions (NaN when skipped).</summary>
    public double Median
    {
        get
        {
            if (Us.Length == 0) return double.NaN;
            var sorted = Us.Order().ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }

    /// <summary>The JSON line of this result.</summary>
    public string ToJsonLine()
    {
        var o = new JsonObject { ["engine"] = Engine, ["workload"] = Workload, ["n"] = N };
        if (Skipped is not null) o["skipped"] = Skipped;
        else
        {
            o["inner"] = Inner;
            o["us"] = new JsonArray(Us.Select(u => (JsonNode)Math.Round(u, 4)).ToArray());
        }
        return o.ToJsonString();
    }
}

/// <summary>What one harness process printed: its meta line (versions) and its measurements.</summary>
public sealed record EngineRun(IReadOnlyDictionary<string, string> Meta, IReadOnlyList<Measurement> Measurements)
{
    /// <summary>Parses a harness's stdout (JSON lines; anything else is an error).</summary>
    /// <exception cref="FormatException">A line is not a harness JSON object.</exception>
    public static EngineRun Parse(IEnumerable<string> lines)
    {
        var meta = new Dictionary<string, string>();
        var results = new List<Measurement>();
        foreach (string line in lines.Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            JsonObject o;
            try
            {
                o = JsonNode.Parse(line)?.AsObject() ?? throw new FormatException("null");
            }
            catch (JsonException e)
            {
                throw new FormatException($"not a JSON line: {line}", e);
            }
            if (o["meta"] is not null)
            {
                foreach (var (key, value) in o) if (key != "meta") meta[key] = value?.ToString() ?? "";
                continue;
            }
            results.Add(new Measurement(
                (string)o["engine"]!, (string)o["workload"]!, (int)o["n"]!, (int?)o["inner"] ?? 0,
                o["us"]?.AsArray().Select(v => (double)v!).ToArray() ?? [], (string?)o["skipped"]));
        }
        return new EngineRun(meta, results);
    }
}
