namespace Omemo.Pep;

/// <summary>The configuration of a node of <see cref="InMemoryPepService"/>.</summary>
/// <param name="AccessModel">
/// <c>pubsub#access_model</c>; the model lets any entity read an <c>open</c> node and only the owner read any other
/// (it has no roster, so <c>presence</c> behaves like <c>whitelist</c>).
/// </param>
/// <param name="MaxItems">
/// <c>pubsub#max_items</c>: how many items are kept, oldest evicted first; <c>max</c> is
/// <see cref="InMemoryPepService.MaxItemsLimit"/>.
/// </param>
public sealed record PepNodeConfiguration(string AccessModel, int MaxItems)
{
    /// <summary>The XEP-0163 defaults a node gets when created without publish-options: <c>presence</c>, one item.</summary>
    public static PepNodeConfiguration Default { get; } = new("presence", 1);
}
