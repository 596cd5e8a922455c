namespace Omemo.Compare;

/// <summary>
/// One OMEMO version the runner compares: what each harness is told (<c>--namespace</c>), how its workloads are named
/// (W1..W4 for OMEMO 2, L1..L4 for legacy OMEMO 0.3) and how its section of bench/RESULTS.md and its plot read.
/// </summary>
/// <param name="Name">Display name, for the run's log and the plot title (<c>OMEMO 2</c>, <c>OMEMO 0.3</c>).</param>
/// <param name="Namespace">The XML namespace, the <c>--namespace</c> value of every harness.</param>
/// <param name="Prefix">The workload prefix: workload k is <c>{Prefix}{k}</c>.</param>
/// <param name="PythonPackage">The python-omemo backend package the python harness drives (twomemo, oldmemo).</param>
/// <param name="Heading">The heading that starts (and identifies) the section of bench/RESULTS.md.</param>
/// <param name="Engines">What <c>ours</c> and the two peers run, for the section's method line.</param>
/// <param name="Tables">The title of each workload's table, workload 1 first.</param>
/// <param name="PlotFile">The PNG's file name under bench/results.</param>
/// <param name="NotesFile">The notes appended to the section, under bench/results.</param>
public sealed record Protocol(string Name, string Namespace, char Prefix, string PythonPackage,
    string Heading, string Engines, IReadOnlyList<string> Tables, string PlotFile, string NotesFile)
{
    /// <summary>OMEMO 2 (<c>urn:xmpp:omemo:2</c>): twomemo, libomemo-c session version 4. The default of every harness.</summary>
    public static Protocol Omemo2 { get; } = new("OMEMO 2", "urn:xmpp:omemo:2", 'W', "twomemo",
        "## Comparison with python-omemo and libomemo-c",
        "`ours` = `OmemoSession.Encrypt` per device, `ours-batch` = `SessionBatchEncryptor` (+ `EncryptedElementWriter` in W4). "
        + "Harnesses: `bench/Omemo.Compare/OurEngine.cs`, `bench/python/omemo_bench.py` (twomemo backend level), "
        + "`native/omemo_c_bench` (`session_cipher_encrypt`, session version 4).",
        [
            "W1: next-message fan-out (48 bytes of key material to N established sessions), µs per recipient device",
            "W2: first message (bundle -> SPK signature check, X3DH, first ratchet encryption), µs per device",
            "W3: decrypt follow-up (one established session, plain message), µs per message",
            "W4: encrypt one message to N devices including the `<encrypted>` XML, µs per whole message",
        ],
        "compare.png", "compare-notes.md");

    /// <summary>Legacy OMEMO 0.3 (<c>eu.siacs.conversations.axolotl</c>): oldmemo, libomemo-c session version 3.</summary>
    public static Protocol Legacy { get; } = new("OMEMO 0.3", "eu.siacs.conversations.axolotl", 'L', "oldmemo",
        "## Legacy OMEMO 0.3: comparison with python-omemo (oldmemo) and libomemo-c (session version 3)",
        "`ours` = `LegacySession.Encrypt` per device, `ours-batch` = `LegacySessionBatchEncryptor` (what `SessionManager` uses), "
        + "each + `LegacyPayload.Encrypt` and `LegacyEncryptedElement` XML in L4. Harnesses: `bench/Omemo.Compare/OurEngine.cs` (`LegacyKind` in `bench/Shared`), "
        + "`bench/python/omemo_bench.py --namespace eu.siacs.conversations.axolotl` (oldmemo backend level), "
        + "`native/omemo_c_bench --namespace eu.siacs.conversations.axolotl` (`session_cipher_encrypt`, session version 3).",
        [
            "L1: next-message fan-out (32 bytes of key material to N established legacy sessions, `WhisperMessage`), µs per recipient device",
            "L2: first message (legacy bundle -> SPK signature check, X3DH, first `PreKeyWhisperMessage`), µs per device",
            "L3: decrypt follow-up (one established legacy session, `WhisperMessage`), µs per message",
            "L4: encrypt one message to N devices including the legacy `<encrypted>` XML (AES-128-GCM payload), µs per whole message",
        ],
        "compare-legacy.png", "compare-legacy-notes.md");

    /// <summary>Every protocol, in the order the runner measures and reports them.</summary>
    public static IReadOnlyList<Protocol> All { get; } = [Omemo2, Legacy];

    /// <summary>Whether this is the harnesses' default (no <c>--namespace</c> argument needed).</summary>
    public bool IsDefault => this == Omemo2;

    /// <summary>The name of workload <paramref name="number"/> (1..4): <c>W1</c>, <c>L3</c>, ...</summary>
    public string Workload(int number) => $"{Prefix}{number}";

    /// <summary>The protocol of <paramref name="xmlNamespace"/>.</summary>
    /// <exception cref="ArgumentException">Neither OMEMO 2 nor legacy OMEMO.</exception>
    public static Protocol FromNamespace(string xmlNamespace) => All.FirstOrDefault(p => p.Namespace == xmlNamespace)
        ?? throw new ArgumentException($"unknown namespace {xmlNamespace} (known: {string.Join(", ", All.Select(p => p.Namespace))})");
}
