using System.Text.Json;
using Omemo.Errors;
using Omemo.Xml;

namespace Omemo.Storage;

/// <summary>
/// The compact JSON form of a device list in the SQLite store: <c>[{"id":1,"label":"..","labelsig":"base64"}]</c>,
/// <c>label</c> and <c>labelsig</c> only when present. Written and read without reflection (AOT-safe).
/// </summary>
internal static class DeviceListJson
{
    public static string Serialize(IReadOnlyList<DeviceEntry> devices)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (DeviceEntry entry in devices)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", entry.Id);
                if (entry.Label is not null) writer.WriteString("label", entry.Label);
                if (entry.LabelSignature is not null) writer.WriteBase64String("labelsig", entry.LabelSignature);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Parses a stored list; anything else than the form above is <see cref="StorageCorruptedException"/>.</summary>
    public static DeviceEntry[] Deserialize(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var result = new List<DeviceEntry>();
            foreach (JsonElement item in document.RootElement.EnumerateArray())
            {
                uint id = item.GetProperty("id").GetUInt32();
                string? label = item.TryGetProperty("label", out var l) ? l.GetString() : null;
                byte[]? signature = item.TryGetProperty("labelsig", out var s) ? s.GetBytesFromBase64() : null;
                result.Add(new DeviceEntry(id, label, signature));
            }
            return [.. result];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new StorageCorruptedException("A stored device list is not readable.", e);
        }
    }
}
