namespace Omemo.Cli.Demo;

/// <summary>What <c>omemo demo</c> simulates.</summary>
/// <param name="Members">Group members (accounts).</param>
/// <param name="DevicesPerMember">Devices per member, each with its own SQLite store.</param>
/// <param name="Messages">Messages sent to the group, each from a random device.</param>
/// <param name="Directory">Where the SQLite files live.</param>
/// <param name="Room">The group chat's JID (the envelopes' <c>&lt;to/&gt;</c> affix).</param>
/// <param name="Seed">Seeds the choice of senders (the keys are random regardless).</param>
/// <param name="Mixed">
/// Whether the group mixes OMEMO versions: members in turn speak OMEMO 2 only, legacy OMEMO 0.3 only, or both
/// (see <see cref="MemberVersions"/>); otherwise everyone speaks OMEMO 2.
/// </param>
internal sealed record DemoSettings(int Members, int DevicesPerMember, int Messages, string Directory, string Room, int Seed, bool Mixed = false)
{
    private static readonly string[] Names = ["alice", "bob", "carol", "dave", "eve", "frank", "grace", "heidi", "ivan", "judy"];

    /// <summary>All devices of the group.</summary>
    internal int Devices => Members * DevicesPerMember;

    /// <summary>The local part of member <paramref name="index"/>'s JID: alice, bob, ..., then member11, member12, ...</summary>
    internal static string MemberName(int index) => index < Names.Length ? Names[index] : $"member{index + 1}";

    /// <summary>
    /// Which OMEMO versions member <paramref name="index"/>'s devices speak: in a mixed group alice OMEMO 2 only, bob legacy
    /// only, carol both, and so on in turn; otherwise OMEMO 2 only.
    /// </summary>
    internal (bool Omemo2, bool Legacy) MemberVersions(int index) => !Mixed ? (true, false) : (index % 3) switch
    {
        0 => (true, false),
        1 => (false, true),
        _ => (true, true),
    };

    /// <summary>Member <paramref name="index"/>'s bare JID.</summary>
    internal static string MemberJid(int index) => $"{MemberName(index)}@example.org";
}
