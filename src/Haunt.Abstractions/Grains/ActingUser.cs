using Orleans.Runtime;

namespace Haunt.Abstractions.Grains;

/// <summary>
/// The user a write is made for, carried with the grain call (Orleans' request context) from the HTTP handler that
/// authenticated them, through a forward to the entity's home region, to the grain that writes. A grain that sees a
/// user checks the user owns what is written; none means the region's own code (matching, reminders).
/// </summary>
public static class ActingUser
{
    private const string Key = "haunt.user";

    public static string? Current => RequestContext.Get(Key) as string;

    /// <summary>Makes the calls that follow in this execution context act for <paramref name="user"/>.</summary>
    public static void Set(string user) => RequestContext.Set(Key, user);
}
