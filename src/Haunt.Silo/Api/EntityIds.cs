namespace Haunt.Silo.Api;

/// <summary>
/// What an entity id may look like at the API edge: 1–64 letters, digits, '-' or '_' (the ids this service
/// makes are 32 hex digits). Checked before any grain is touched, so a malformed or huge id never costs an
/// activation; well-formed ids are looked up in the regional store before their grain is called.
/// </summary>
public static class EntityIds
{
    public const int MaxLength = 64;

    public static bool IsWellFormed(string? id) =>
        id is { Length: > 0 and <= MaxLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
