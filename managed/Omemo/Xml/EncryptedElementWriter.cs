using System.Buffers.Text;

namespace Omemo.Xml;

/// <summary>One recipient device of <see cref="EncryptedElementWriter"/>.</summary>
/// <param name="Jid">The recipient's bare JID.</param>
/// <param name="DeviceId">The recipient device id.</param>
/// <param name="IsKeyExchange">Whether its key is an <c>OMEMOKeyExchange</c> (written as <c>kex="true"</c>).</param>
public readonly record struct KeyRecipient(string Jid, uint DeviceId, bool IsKeyExchange);

/// <summary>
/// Writes an <c>&lt;encrypted&gt;</c> element as UTF-8 straight from flat key buffers (the output of
/// <see cref="Sessions.SessionBatchEncryptor"/>), without building an <see cref="EncryptedElement"/> or an XML tree:
/// nothing is allocated per recipient. The text is byte-identical to <see cref="EncryptedElement.ToXml"/> for the same
/// keys. Recipients of one JID must be adjacent (they share one <c>&lt;keys&gt;</c> element).
/// </summary>
public static class EncryptedElementWriter
{
    private static ReadOnlySpan<byte> Open => "<encrypted xmlns=\"urn:xmpp:omemo:2\"><header sid=\""u8;

    /// <summary>An upper bound of the bytes <see cref="Write"/> needs.</summary>
    /// <param name="recipients">The recipients.</param>
    /// <param name="keyLengths">Each recipient's key length in bytes.</param>
    /// <param name="payloadLength">The payload length, or -1 for an empty OMEMO message.</param>
    public static int GetMaxByteCount(ReadOnlySpan<KeyRecipient> recipients, ReadOnlySpan<int> keyLengths, int payloadLength)
    {
        long total = 256L + (payloadLength < 0 ? 0 : Base64.GetMaxEncodedToUtf8Length(payloadLength));
        for (int i = 0; i < recipients.Length; i++)
            total += 64 + 6L * (recipients[i].Jid?.Length ?? 0) + Base64.GetMaxEncodedToUtf8Length(keyLengths[i]);
        return checked((int)total);
    }

    /// <summary>
    /// Writes the element into <paramref name="destination"/> and returns the number of bytes written. Recipient
    /// <c>i</c>'s key is <c>keys[i * keyStride ..]</c>, <c>keyLengths[i]</c> bytes long.
    /// </summary>
    /// <param name="destination">The UTF-8 output (see <see cref="GetMaxByteCount"/>).</param>
    /// <param name="senderDeviceId">The sender device id (<c>sid</c>).</param>
    /// <param name="recipients">The recipients, those of one JID adjacent.</param>
    /// <param name="keys">The keys, lane-major.</param>
    /// <param name="keyStride">Bytes between the starts of two lanes' keys.</param>
    /// <param name="keyLengths">Each key's length.</param>
    /// <param name="payload">The payload, or an empty span with <paramref name="hasPayload"/> false for an empty OMEMO message.</param>
    /// <param name="hasPayload">Whether to write <c>&lt;payload&gt;</c>.</param>
    /// <exception cref="ArgumentException">
    /// An id outside 1..2^31-1, no or too many recipients, a blank or non-XML JID, a JID whose devices are not adjacent,
    /// a duplicate device, an empty key, or a destination that is too small.
    /// </exception>
    public static int Write(Span<byte> destination, uint senderDeviceId, ReadOnlySpan<KeyRecipient> recipients,
        ReadOnlySpan<byte> keys, int keyStride, ReadOnlySpan<int> keyLengths, ReadOnlySpan<byte> payload, bool hasPayload)
    {
        XmlArguments.CheckId(senderDeviceId, nameof(senderDeviceId));
        if (recipients.IsEmpty) throw new ArgumentException("An <encrypted> element needs at least one key.", nameof(recipients));
        if (recipients.Length > XmlLimits.MaxKeys) throw new ArgumentException($"At most {XmlLimits.MaxKeys} keys.", nameof(recipients));
        if (keyLengths.Length < recipients.Length) throw new ArgumentException("Fewer key lengths than recipients.", nameof(keyLengths));
        if (hasPayload && payload.IsEmpty) throw new ArgumentException("A payload cannot be empty.", nameof(payload));
        var w = new Utf8Output(destination);
        w.Append(Open);
        w.Append(senderDeviceId);
        w.Append("\">"u8);
        string? currentJid = null;
        for (int i = 0; i < recipients.Length; i++)
        {
            var r = recipients[i];
            XmlArguments.CheckId(r.DeviceId, nameof(recipients));
            if (!string.Equals(r.Jid, currentJid, StringComparison.Ordinal))
            {
                XmlArguments.CheckJid(r.Jid, nameof(recipients));
                if (currentJid is not null)
                {
                    CheckNotSeenBefore(recipients[..i], r.Jid);
                    w.Append("</keys>"u8);
                }
                currentJid = r.Jid;
                w.Append("<keys jid=\""u8);
                w.AppendEscaped(r.Jid);
                w.Append("\">"u8);
            }
            else
            {
                CheckDeviceNotRepeated(recipients[..i], r);
            }
            if (keyLengths[i] <= 0) throw new ArgumentException("A key cannot be empty.", nameof(keyLengths));
            w.Append("<key rid=\""u8);
            w.Append(r.DeviceId);
            w.Append(r.IsKeyExchange ? "\" kex=\"true\">"u8 : "\">"u8);
            w.AppendBase64(keys.Slice(i * keyStride, keyLengths[i]));
            w.Append("</key>"u8);
        }
        w.Append("</keys></header>"u8);
        if (hasPayload)
        {
            w.Append("<payload>"u8);
            w.AppendBase64(payload);
            w.Append("</payload>"u8);
        }
        w.Append("</encrypted>"u8);
        return w.Written;
    }

    // Rare paths (a JID change, a device of the current JID): a backwards scan keeps the common case allocation-free.
    private static void CheckNotSeenBefore(ReadOnlySpan<KeyRecipient> earlier, string jid)
    {
        foreach (var e in earlier)
            if (string.Equals(e.Jid, jid, StringComparison.Ordinal))
                throw new ArgumentException("Recipients of one JID must be adjacent.", "recipients");
    }

    private static void CheckDeviceNotRepeated(ReadOnlySpan<KeyRecipient> earlier, KeyRecipient r)
    {
        for (int j = earlier.Length - 1; j >= 0 && string.Equals(earlier[j].Jid, r.Jid, StringComparison.Ordinal); j--)
            if (earlier[j].DeviceId == r.DeviceId) throw new ArgumentException("Duplicate key for the same JID and device.", "recipients");
    }

    /// <summary>A bounds-checked cursor over the destination.</summary>
    private ref struct Utf8Output(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Written { get; private set; }

        public void Append(ReadOnlySpan<byte> text)
        {
            if (!text.TryCopyTo(_destination[Written..])) throw TooSmall();
            Written += text.Length;
        }

        public void Append(uint value)
        {
            if (!Utf8Formatter.TryFormat(value, _destination[Written..], out int n)) throw TooSmall();
            Written += n;
        }

        public void AppendBase64(ReadOnlySpan<byte> data)
        {
            if (Base64.EncodeToUtf8(data, _destination[Written..], out _, out int n) != System.Buffers.OperationStatus.Done) throw TooSmall();
            Written += n;
        }

        // The escaping XmlWriter applies to attribute values.
        public void AppendEscaped(string text)
        {
            foreach (var rune in text.EnumerateRunes())
            {
                switch (rune.Value)
                {
                    case '&': Append("&amp;"u8); break;
                    case '<': Append("&lt;"u8); break;
                    case '>': Append("&gt;"u8); break;
                    case '"': Append("&quot;"u8); break;
                    default:
                        if (!rune.TryEncodeToUtf8(_destination[Written..], out int n)) throw TooSmall();
                        Written += n;
                        break;
                }
            }
        }

        private static ArgumentException TooSmall() => new("The destination is too small (see GetMaxByteCount).", "destination");
    }
}
