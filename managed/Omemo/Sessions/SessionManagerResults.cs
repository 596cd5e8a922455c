using Omemo.Errors;
using Omemo.Storage;
using Omemo.Xml;

namespace Omemo.Sessions;

/// <summary>Why a device was left out of an encrypted message.</summary>
public enum DeviceFailureReason
{
    /// <summary>The recipient JID's device list could not be fetched (or is empty).</summary>
    NoDeviceList = 0,
    /// <summary>The device's bundle could not be fetched or parsed.</summary>
    NoBundle = 1,
    /// <summary>The trust policy does not allow encrypting for the device's identity key.</summary>
    Untrusted = 2,
    /// <summary>The bundle or the stored session is unusable (bad signature, no pre-key, invalid key, corrupt state).</summary>
    Broken = 3,
}

/// <summary>One device (or, with <see cref="DeviceAddress.DeviceId"/> 0, one whole JID) left out of a message.</summary>
/// <param name="Device">The device; <c>DeviceId</c> is 0 when the failure concerns the whole JID.</param>
/// <param name="Reason">Why it was left out.</param>
/// <param name="Message">A secret-free explanation.</param>
public sealed record DeviceFailure(DeviceAddress Device, DeviceFailureReason Reason, string Message);

/// <summary>The outcome of <see cref="SessionManager.EncryptAsync"/>.</summary>
/// <param name="Element">
/// The OMEMO 2 <c>&lt;encrypted&gt;</c> element (serialize it with <see cref="EncryptedElement.ToXml"/>). With legacy OMEMO
/// enabled it may hold no key at all, when every reachable device speaks only legacy OMEMO: send it only when it has keys.
/// </param>
/// <param name="Failures">The devices that were left out, and why.</param>
public sealed record EncryptResult(EncryptedElement Element, IReadOnlyList<DeviceFailure> Failures)
{
    /// <summary>
    /// The legacy OMEMO 0.3 <c>&lt;encrypted&gt;</c> element for the devices that announce only the legacy namespace, or
    /// null when there are none (or legacy OMEMO is disabled). A client puts both elements into the same message stanza.
    /// </summary>
    public Xml.Legacy.LegacyEncryptedElement? LegacyElement { get; init; }
}

/// <summary>The outcome of <see cref="SessionManager.DecryptAsync"/>.</summary>
/// <param name="Plaintext">The decrypted payload, or null for an empty OMEMO message.</param>
/// <param name="Sender">The sending device.</param>
/// <param name="WasKeyExchange">Whether the message was an <c>OMEMOKeyExchange</c>.</param>
/// <param name="NewSession">Whether the message built a new session (replacing any older one with the device).</param>
/// <param name="AutomaticReply">
/// An empty OMEMO message for the sender device that the application must send back (see <see cref="ReplyReason"/>);
/// null when none is due. Already persisted with the decryption.
/// </param>
public sealed record DecryptResult(byte[]? Plaintext, DeviceAddress Sender, bool WasKeyExchange, bool NewSession,
                                   EncryptedElement? AutomaticReply)
{
    /// <summary>
    /// True when the message was already decrypted (a replay or a redelivery, e.g. after a crash before the
    /// application saw the result): it is ignored quietly, <see cref="Plaintext"/> is null and nothing was written.
    /// </summary>
    public bool IsDuplicate { get; init; }

    /// <summary>Why <see cref="AutomaticReply"/> is due, or <see cref="AutomaticReplyReason.None"/>.</summary>
    public AutomaticReplyReason ReplyReason { get; init; }

    /// <summary>The trust level of the sender's identity key when the message was decrypted (show untrusted messages as such).</summary>
    public TrustLevel SenderTrust { get; init; }

    /// <summary>The parsed SCE envelope when decrypted with <see cref="SessionManager.DecryptContentAsync"/>; otherwise null.</summary>
    public SceEnvelopeContent? Content { get; init; }

    /// <summary>
    /// For a legacy OMEMO message (<see cref="SessionManager.DecryptLegacyAsync"/>): the legacy empty message to send back,
    /// for the same reasons as <see cref="AutomaticReply"/> (which is then null).
    /// </summary>
    public Xml.Legacy.LegacyEncryptedElement? LegacyAutomaticReply { get; init; }
}

/// <summary>Why a decryption produced an automatic empty OMEMO message to send back.</summary>
public enum AutomaticReplyReason
{
    /// <summary>No reply is due.</summary>
    None = 0,
    /// <summary>A key exchange was received: the reply completes it so the peer stops repeating it (XEP-0384 section 4.3).</summary>
    KeyExchangeCompletion = 1,
    /// <summary>The first message on a new receiving chain had a counter of 53 or more: a heartbeat forwards the ratchet (section 7).</summary>
    Heartbeat = 2,
    /// <summary>A session built during history catch-up: after catch-up an empty message moves away from the possibly reused pre-key (section 7).</summary>
    AfterCatchUp = 3,
}

/// <summary>No recipient device could be encrypted for; <see cref="Failures"/> says why for each.</summary>
public sealed class NoRecipientDevicesException : OmemoException
{
    /// <summary>Creates the exception with the per-device failures.</summary>
    public NoRecipientDevicesException(IReadOnlyList<DeviceFailure> failures)
        : base($"No recipient device could be encrypted for ({failures?.Count ?? 0} failures).")
        => Failures = failures ?? [];

    /// <summary>Why each device was left out.</summary>
    public IReadOnlyList<DeviceFailure> Failures { get; }
}

/// <summary>The <c>&lt;encrypted&gt;</c> element holds no key for this device.</summary>
public sealed class NotForThisDeviceException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public NotForThisDeviceException(string message) : base(message) { }
}

/// <summary>The sending device's identity key is distrusted by the trust policy; the message was not decrypted.</summary>
public sealed class UntrustedSenderException : OmemoException
{
    /// <summary>Creates the exception with a secret-free message.</summary>
    public UntrustedSenderException(string message) : base(message) { }
}

/// <summary>What a <see cref="SessionManager"/> knows about one device of a JID (see <see cref="SessionManager.GetDevicesAsync"/>).</summary>
/// <param name="Device">The device.</param>
/// <param name="Label">The device's label when its signature verifies with the known identity key; otherwise null.</param>
/// <param name="Fingerprint">The identity key's fingerprint when known (from a session or a trust decision); otherwise null.</param>
/// <param name="Trust">The stored trust level of that identity key.</param>
/// <param name="IdentityKnown">Whether the identity key is known.</param>
public sealed record DeviceInfo(DeviceAddress Device, string? Label, string? Fingerprint, TrustLevel Trust, bool IdentityKnown);
