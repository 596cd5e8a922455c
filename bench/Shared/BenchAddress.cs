namespace Omemo.Bench.Shared;

/// <summary>The addresses written into the benchmarks' &lt;encrypted&gt; elements.</summary>
public static class BenchAddress
{
    /// <summary>The JID of every recipient device (OMEMO 2 keys carry it; legacy keys carry no JID).</summary>
    public const string RecipientJid = "r@bench.example";

    /// <summary>The sender's device id (<c>sid</c>); recipient device i of a fleet has id i + 1.</summary>
    public const uint SenderDeviceId = 0x40000000;
}
