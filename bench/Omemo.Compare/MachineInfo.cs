using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Omemo.Compare;

/// <summary>The machine and runtime facts written next to the numbers.</summary>
public static partial class MachineInfo
{
    /// <summary>The CPU model from /proc/cpuinfo (or the architecture when it cannot be read).</summary>
    public static string CpuModel()
    {
        try
        {
            var m = ModelName().Match(File.ReadAllText("/proc/cpuinfo"));
            if (m.Success) return m.Groups[1].Value.Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>One line: CPU model, logical cores, OS.</summary>
    public static string Describe() =>
        $"{CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}";

    /// <summary>The .NET runtime version.</summary>
    public static string DotNet => RuntimeInformation.FrameworkDescription;

    [GeneratedRegex(@"^model name\s*:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex ModelName();
}
