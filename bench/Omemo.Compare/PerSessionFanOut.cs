using System.Text;
using Omemo.Bench.Shared;

namespace Omemo.Compare;

/// <summary>
/// The baseline of every version: <c>Encrypt</c> per session and the version's XML model (<c>EncryptedElement.ToXml</c>,
/// <c>LegacyEncryptedElement.ToXml</c>), through <see cref="SessionFleet{TKind,TSession,TBundle}.EncryptMessageXml"/>.
/// </summary>
/// <typeparam name="TKind">The version.</typeparam>
/// <typeparam name="TSession">Its session type.</typeparam>
/// <typeparam name="TBundle">Its bundle type.</typeparam>
public sealed class PerSessionFanOut<TKind, TSession, TBundle> : IFanOut<TSession>
    where TKind : ISessionKind<TSession, TBundle> where TSession : IDisposable
{
    /// <inheritdoc />
    public string Name => "ours";

    /// <inheritdoc />
    public void Encrypt(ReadOnlySpan<TSession> sessions, ReadOnlySpan<byte> keyMaterial) =>
        SessionFleet<TKind, TSession, TBundle>.EncryptEach(sessions, keyMaterial);

    /// <inheritdoc />
    public ReadOnlyMemory<byte> EncryptXml(ReadOnlySpan<TSession> sessions, ReadOnlySpan<byte> plaintext) =>
        Encoding.UTF8.GetBytes(SessionFleet<TKind, TSession, TBundle>.EncryptMessageXml(sessions, plaintext));

    /// <inheritdoc />
    public void Dispose() { }
}
