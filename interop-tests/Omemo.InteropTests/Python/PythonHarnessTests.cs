using System.Text;
using Xunit.Abstractions;

namespace Omemo.InteropTests.Python;

/// <summary>The harness proven on its own: two python-omemo peers talking through it, no engine involved.</summary>
public sealed class PythonHarnessTests(ITestOutputHelper output)
{
    [Fact]
    public void Python_to_python_conversation_of_20_messages()
    {
        if (!PythonRequirement.Available(output)) return;
        using var alice = PythonPeer.Start("alice");
        using var bob = PythonPeer.Start("bob");
        var a = alice.Init("alice@python.example", 1111);
        var b = bob.Init("bob@python.example");
        Assert.Equal(1111u, a.DeviceId);
        Assert.InRange(b.DeviceId, 1u, (uint)int.MaxValue);
        output.WriteLine($"alice {a.DeviceId} {a.Fingerprint}; bob {b.DeviceId} {b.Fingerprint}");

        // The fake PEP: each side gets the other's bundle and device list.
        alice.AddPeerBundle(b.Jid, b.DeviceId, b.BundleXml);
        Assert.Equal([b.DeviceId], alice.SetDeviceList(b.Jid, b.DeviceListXml));
        bob.AddPeerBundle(a.Jid, a.DeviceId, a.BundleXml);
        Assert.Equal([a.DeviceId], bob.SetDeviceList(a.Jid, a.DeviceListXml));

        var random = new Random(20);
        int automatic = 0;
        for (int i = 0; i < 20; i++)
        {
            bool fromAlice = i < 3 || random.Next(2) == 0;
            var (sender, receiver, senderId) = fromAlice ? (alice, bob, a) : (bob, alice, b);
            var receiverId = fromAlice ? b : a;
            byte[] plaintext = Encoding.UTF8.GetBytes($"message {i} from {senderId.Jid} \u2603 " + new string('x', random.Next(40)));
            string xml = sender.Encrypt(plaintext, receiverId.Jid);
            Assert.StartsWith("<encrypted xmlns=\"urn:xmpp:omemo:2\">", xml);
            Assert.DoesNotContain("kex=\"false\"", xml);

            var decrypted = receiver.Decrypt(senderId.Jid, xml);
            Assert.Equal(plaintext, decrypted.Plaintext);
            Assert.Equal(senderId.DeviceId, decrypted.SenderDeviceId);

            // A replay is refused, with python-omemo's own error type.
            if (i % 7 == 3)
            {
                var replay = Assert.Throws<PythonPeerException>(() => receiver.Decrypt(senderId.Jid, xml));
                Assert.Equal("DecryptionFailed", replay.ErrorType);
                Assert.Contains("DuplicateMessageException", replay.Error.Causes);
            }

            // Whatever python-omemo sent on its own (the empty message completing the KEX) goes to the other side.
            foreach (var message in receiver.Outbox())
            {
                Assert.Equal(senderId.Jid, message.ToJid);
                Assert.DoesNotContain("<payload", message.EncryptedXml);
                Assert.Null(sender.Decrypt(receiverId.Jid, message.EncryptedXml).Plaintext);
                automatic++;
            }
        }
        Assert.True(automatic >= 1, "python-omemo should have completed the key exchange with an empty message");
        Assert.True(bob.SessionInfo(a.Jid, a.DeviceId)["confirmed"] is not null);
        Assert.Equal(true, (bool?)alice.SessionInfo(b.Jid, b.DeviceId)["confirmed"]);
    }

    [Fact]
    public void Peer_reports_errors_as_json_and_keeps_serving()
    {
        if (!PythonRequirement.Available(output)) return;
        using var peer = PythonPeer.Start("errors");
        var before = peer.Send("decrypt", new() { ["from_jid"] = "x@y", ["encrypted_xml"] = "<x/>" });
        Assert.Equal(false, (bool?)before["ok"]);
        Assert.Equal("PeerError", (string?)before["error"]); // not initialised yet

        peer.Init("solo@python.example");
        var bad = Assert.Throws<PythonPeerException>(() => peer.Decrypt("x@y", "<encrypted xmlns='urn:xmpp:omemo:2'/>"));
        Assert.Equal("parse", bad.Error.Stage);
        var unknown = peer.Send("no_such_command");
        Assert.Equal("PeerError", (string?)unknown["error"]);
        Assert.Contains("<bundle xmlns=\"urn:xmpp:omemo:2\">", peer.BundleXml());

        // After shutdown the process is gone: the next request fails fast and says so.
        peer.Call("shutdown");
        var gone = Assert.Throws<PythonPeerException>(() => peer.Call("ping"));
        Assert.Equal("PeerProcessFailure", gone.ErrorType);
        Assert.Contains("exited with status 0", gone.Message);
    }
}
