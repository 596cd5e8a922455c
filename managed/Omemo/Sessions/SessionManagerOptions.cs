using Omemo.Devices;

namespace Omemo.Sessions;

/// <summary>How a <see cref="SessionManager"/> manages its own keys and caches; every setting has the XEP's default.</summary>
public sealed record SessionManagerOptions
{
    /// <summary>The smallest allowed <see cref="PreKeyRefillThreshold"/> (XEP-0384: a bundle holds at least 25 pre-keys).</summary>
    public const int MinimumPreKeys = 25;

    /// <summary>The defaults: 100 pre-keys refilled as soon as one is used, weekly signed pre-key rotation.</summary>
    public static SessionManagerOptions Default { get; } = new();

    /// <summary>The number of one-time pre-keys the published bundle is filled up to (default 100).</summary>
    public int PreKeyCount { get; init; } = 100;

    /// <summary>
    /// Refill the bundle to <see cref="PreKeyCount"/> when fewer than this many pre-keys are left (default 100: refill
    /// after every consumed pre-key). Lower values batch refills and republishing; never below <see cref="MinimumPreKeys"/>.
    /// </summary>
    public int PreKeyRefillThreshold { get; init; } = 100;

    /// <summary>How long a signed pre-key stays current (default one week); the previous one is kept one more period.</summary>
    public TimeSpan SignedPreKeyRotationPeriod { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long a stored device list of another JID is used without fetching it again (default 0: fetched before every
    /// message, the XEP's simplest strategy). Device-list notifications (<c>SessionManager.HandleDeviceListNotificationAsync</c>)
    /// refresh the cache at any time.
    /// </summary>
    public TimeSpan DeviceListCacheDuration { get; init; } = TimeSpan.Zero;

    /// <summary>The label of a new device (signed with the identity key), or null.</summary>
    public string? Label { get; init; }

    /// <summary>Device list limits against hostile lists.</summary>
    public DeviceListRules Rules { get; init; } = DeviceListRules.Default;

    /// <summary>
    /// Also speak legacy OMEMO 0.3 (eu.siacs.conversations.axolotl), as most deployed clients still do (default false):
    /// the device publishes a legacy bundle and announces itself in the legacy device list, encrypts for devices that
    /// announce only the legacy namespace (OMEMO 2 is preferred where a device announces both), and decrypts legacy
    /// messages with <c>SessionManager.DecryptLegacyAsync</c>. One identity and one set of pre-keys serve both.
    /// </summary>
    public bool EnableLegacyOmemo { get; init; }

    /// <summary>
    /// Speak OMEMO 2 (default true). Turning it off (with <see cref="EnableLegacyOmemo"/> on) makes a legacy-only device,
    /// as deployed clients without OMEMO 2 are: no OMEMO 2 bundle or device-list entry, and no OMEMO 2 messages.
    /// </summary>
    public bool EnableOmemo2 { get; init; } = true;

    /// <summary>The clock (tests substitute a fake one to drive signed pre-key rotation and caching).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(PreKeyCount, MinimumPreKeys, nameof(PreKeyCount));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PreKeyCount, 1000, nameof(PreKeyCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(PreKeyRefillThreshold, MinimumPreKeys, nameof(PreKeyRefillThreshold));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PreKeyRefillThreshold, PreKeyCount, nameof(PreKeyRefillThreshold));
        ArgumentOutOfRangeException.ThrowIfLessThan(SignedPreKeyRotationPeriod, TimeSpan.FromHours(1), nameof(SignedPreKeyRotationPeriod));
        ArgumentOutOfRangeException.ThrowIfLessThan(DeviceListCacheDuration, TimeSpan.Zero, nameof(DeviceListCacheDuration));
        if (!EnableOmemo2 && !EnableLegacyOmemo) throw new ArgumentOutOfRangeException(nameof(EnableOmemo2), "At least one OMEMO version must be enabled.");
        ArgumentNullException.ThrowIfNull(Rules);
        ArgumentNullException.ThrowIfNull(Clock);
    }
}
