using System.Text;
using CsCheck;
using Omemo.Xml;

namespace Omemo.Tests.Xml;

/// <summary>The span writer produces exactly <see cref="EncryptedElement.ToXml"/>'s text.</summary>
public sealed class EncryptedElementWriterTests
{
    private static string WriteWithWriter(EncryptedElement element)
    {
        var recipients = element.Keys.Select(k => new KeyRecipient(k.Jid, k.DeviceId, k.IsKeyExchange)).ToArray();
        int stride = element.Keys.Max(k => k.Data.Length);
        byte[] keys = new byte[recipients.Length * stride];
        for (int i = 0; i < recipients.Length; i++) element.Keys[i].Data.CopyTo(keys, i * stride);
        int[] lengths = element.Keys.Select(k => k.Data.Length).ToArray();
        byte[] destination = new byte[EncryptedElementWriter.GetMaxByteCount(recipients, lengths, element.Payload?.Length ?? -1)];
        int written = EncryptedElementWriter.Write(destination, element.SenderDeviceId, recipients, keys, stride, lengths,
            element.Payload, element.Payload is not null);
        return Encoding.UTF8.GetString(destination, 0, written);
    }

    [Fact]
    public void Property_SameTextAsToXml() =>
        Gen.Select(Gen.UInt[1, int.MaxValue], Gen.Int[1, 5], Gen.Int[1, 6], Gen.Bool, Gen.Int).Sample((sid, jids, perJid, withPayload, seed) =>
        {
            var random = new Random(seed);
            var keys = new List<EncryptedKey>();
            for (int j = 0; j < jids; j++)
                for (int d = 0; d < perJid; d++)
                    keys.Add(new EncryptedKey($"user{j}@example.org", (uint)(j * 100 + d + 1), RandomBytes(random, random.Next(1, 200)), random.Next(2) == 0));
            var element = new EncryptedElement(sid, keys, withPayload ? RandomBytes(random, random.Next(1, 100)) : null);
            return WriteWithWriter(element) == element.ToXml();
        }, iter: 500);

    [Fact]
    public void EscapesJids_LikeXmlWriter()
    {
        var element = new EncryptedElement(5, [new EncryptedKey("a&b<c>\"d@ex.org", 7, [1, 2, 3], false)], [9]);
        Assert.Equal(element.ToXml(), WriteWithWriter(element));
        Assert.Equal("a&b<c>\"d@ex.org", EncryptedElement.Parse(WriteWithWriter(element)).Keys[0].Jid);
    }

    [Fact]
    public void RefusesSplitJidsDuplicatesAndSmallBuffers()
    {
        KeyRecipient[] split = [new("a@x", 1, false), new("b@x", 2, false), new("a@x", 3, false)];
        KeyRecipient[] duplicate = [new("a@x", 1, false), new("a@x", 1, false)];
        byte[] keys = new byte[3 * 4];
        keys.AsSpan().Fill(7);
        int[] lengths = [4, 4, 4];
        byte[] big = new byte[4096];
        Assert.Throws<ArgumentException>(() => EncryptedElementWriter.Write(big, 1, split, keys, 4, lengths, [], false));
        Assert.Throws<ArgumentException>(() => EncryptedElementWriter.Write(big, 1, duplicate, keys, 4, lengths, [], false));
        Assert.Throws<ArgumentException>(() => EncryptedElementWriter.Write(new byte[40], 1, [new("a@x", 1, false)], keys, 4, lengths, [], false));
        Assert.ThrowsAny<ArgumentException>(() => EncryptedElementWriter.Write(big, 0, [new("a@x", 1, false)], keys, 4, lengths, [], false));
        Assert.Throws<ArgumentException>(() => EncryptedElementWriter.Write(big, 1, [], keys, 4, lengths, [], false));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] b = new byte[length];
        random.NextBytes(b);
        return b;
    }
}
