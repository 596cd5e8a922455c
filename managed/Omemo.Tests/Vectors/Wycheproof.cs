using System.Text.Json;

namespace Omemo.Tests.Vectors;

/// <summary>One Wycheproof test case with the group it belongs to.</summary>
public sealed record WycheproofCase(JsonElement Group, JsonElement Test)
{
    public int Id => Test.GetProperty("tcId").GetInt32();
    public string Result => Test.GetProperty("result").GetString()!;
    public string Comment => Test.GetProperty("comment").GetString() ?? "";
    public IReadOnlyList<string> Flags =>
        Test.TryGetProperty("flags", out var f) ? f.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
    public byte[] Hex(string name) => Convert.FromHexString(Test.GetProperty(name).GetString()!);
    public byte[] GroupHex(string name) => Convert.FromHexString(Group.GetProperty(name).GetString()!);
    public override string ToString() => $"tc{Id} {Result} {Comment}";
}

/// <summary>Loads the Wycheproof files from ../shared/vectors/wycheproof beside the repository root.</summary>
public static class Wycheproof
{
    /// <summary>Every test case of <paramref name="fileName"/>, e.g. "x25519_test.json", asserting the declared count.</summary>
    public static IReadOnlyList<WycheproofCase> Load(string fileName)
    {
        var path = Path.Combine(SharedDirectory.Find(), "vectors", "wycheproof", fileName);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement.Clone();
        var cases = root.GetProperty("testGroups").EnumerateArray()
            .SelectMany(g => g.GetProperty("tests").EnumerateArray().Select(t => new WycheproofCase(g, t)))
            .ToList();
        Assert.Equal(root.GetProperty("numberOfTests").GetInt32(), cases.Count);
        return cases;
    }
}

/// <summary>Finds the read-only shared/ folder (spec, vectors) that sits beside the repository root.</summary>
public static class SharedDirectory
{
    public static string Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("OMEMO_SHARED_DIR");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Omemo.Native.sln")))
            {
                var shared = Path.Combine(dir.Parent!.FullName, "shared");
                if (Directory.Exists(shared)) return shared;
                throw new DirectoryNotFoundException($"shared/ not found beside the repository at {shared}; set OMEMO_SHARED_DIR.");
            }
        }
        throw new DirectoryNotFoundException("Repository root (Omemo.Native.sln) not found above the test binaries; set OMEMO_SHARED_DIR.");
    }
}
