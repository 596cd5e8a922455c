namespace Omemo.Cli.Demo;

/// <summary>What <c>omemo demo</c> simulates.</summary>
/// <param name="Members">Group members (accounts).</param>
/// <param name="DevicesPerMember">Devices per member, each with its own SQLite store.</param>
/// <param name="Messages">Messages sent to the group, each from a random device.</param>
/// <param name="Directory">Where the SQLite files live.</param>
/// <param name="Room">The group chat's JID (the envelopes' <c>&lt;to/&gt;</c> affix).</param>
/// <param name="Seed">Seeds the choice of senders (the keys are random regardless).</param>
internal sealed record DemoSettings(int Members, int DevicesPerMember, int Messages, string Directory, string Room, int Seed)
{
    private static readonly string[] Names = ["alice", "bob", "carol", "dave", "eve", "frank", "grace", "heidi", "ivan", "judy"];

    /// <summary>All devices of the group.</summary>
    internal int Devices => Members * DevicesPerMember;

    /// <summary>The local part of member <paramref name="index"/>'s JID: alice, bob, ..., then member11, member12, ...</summary>
    internal static string MemberName(int index) => index < Names.Length ? Names[index] : $"member{index + 1}";

    /// <summary>Member <paramref name="index"/>'s bare JID.</summary>
    internal static string MemberJid(int index) => $"{MemberName(index)}@example.org";
}
