namespace Haunt.Abstractions.Versioning;

/// <summary>How two version vectors relate.</summary>
public enum VectorOrder
{
    Equal,

    /// <summary>This vector dominates the other: it has seen everything the other has, and more.</summary>
    Newer,

    /// <summary>The other vector dominates this one.</summary>
    Older,

    /// <summary>Each has seen a write the other has not: a conflict.</summary>
    Concurrent,
}
