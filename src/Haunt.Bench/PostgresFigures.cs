namespace Haunt.Bench;

/// <summary>
/// The unreplicated write path with the region's store in PostgreSQL (the postgres phase), or why it could not run.
/// </summary>
/// <param name="Server">Which server: the one --postgres names, HAUNT_TEST_POSTGRES's, or a throwaway one and how it commits.</param>
public sealed record PostgresFigures(string Server, double UnreplicatedChangesPerSecond, string? Unavailable = null);
