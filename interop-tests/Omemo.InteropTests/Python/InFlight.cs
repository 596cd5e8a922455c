namespace Omemo.InteropTests.Python;

/// <summary>Stanzas in flight on the live tests' simulated network.</summary>
internal static class InFlight
{
    /// <summary>
    /// Removes and returns the stanza to deliver next: the oldest, or, with probability 1 in <paramref name="reorderOneIn"/>
    /// (0: never), a random later one, counted in <paramref name="reordered"/>.
    /// </summary>
    public static T TakeNext<T>(List<T> queue, Random random, int reorderOneIn, ref int reordered)
    {
        int index = reorderOneIn > 0 && queue.Count > 1 && random.Next(reorderOneIn) == 0 ? random.Next(1, queue.Count) : 0;
        if (index > 0) reordered++;
        T item = queue[index];
        queue.RemoveAt(index);
        return item;
    }
}
