using CsCheck;
using Omemo.Sessions;

namespace Omemo.Tests.Protocol;

/// <summary>
/// Random conversations: both sides send, messages are delivered in random order (within and across chains),
/// sessions are serialized and restored at random points, and every message must decrypt exactly once.
/// </summary>
public sealed class ConversationModelTests
{
    private enum Op { SendA, SendB, DeliverToA, DeliverToB, RestoreA, RestoreB }

    private static readonly Gen<(Op Op, int Pick)> Step = Gen.Select(
        Gen.Frequency((3, Gen.Const(Op.SendA)), (3, Gen.Const(Op.SendB)), (4, Gen.Const(Op.DeliverToA)),
                      (4, Gen.Const(Op.DeliverToB)), (1, Gen.Const(Op.RestoreA)), (1, Gen.Const(Op.RestoreB))),
        Gen.Int[0, 1000]);

    [Fact]
    public void RandomSchedules_EveryMessageDecryptsOnce()
    {
        using var alice = new TestDevice();
        using var bob = new TestDevice();
        Step.List[1, 80].Sample(steps =>
        {
            var (a, b) = ProtocolFixture.EstablishConfirmed(alice, bob);
            var toA = new List<SessionRoundTripTests.Sent>();
            var toB = new List<SessionRoundTripTests.Sent>();
            var delivered = new List<(OmemoSession To, SessionRoundTripTests.Sent Message)>();
            foreach (var (op, pick) in steps)
            {
                switch (op)
                {
                    case Op.SendA: toB.Add(SessionRoundTripTests.Message(a)); break;
                    case Op.SendB: toA.Add(SessionRoundTripTests.Message(b)); break;
                    case Op.DeliverToA when toA.Count > 0:
                        SessionRoundTripTests.Deliver(a, Take(toA, pick));
                        break;
                    case Op.DeliverToB when toB.Count > 0:
                        SessionRoundTripTests.Deliver(b, Take(toB, pick));
                        break;
                    case Op.RestoreA: a = OmemoSession.Deserialize(a.Serialize()); break;
                    case Op.RestoreB: b = OmemoSession.Deserialize(b.Serialize()); break;
                }
            }
            foreach (var m in toA) SessionRoundTripTests.Deliver(a, m);
            foreach (var m in toB) SessionRoundTripTests.Deliver(b, m);
            Assert.Equal(0, a.SkippedMessageKeyCount);
            Assert.Equal(0, b.SkippedMessageKeyCount);
        }, iter: 60);
    }

    private static SessionRoundTripTests.Sent Take(List<SessionRoundTripTests.Sent> list, int pick)
    {
        var m = list[pick % list.Count];
        list.RemoveAt(pick % list.Count);
        return m;
    }
}
