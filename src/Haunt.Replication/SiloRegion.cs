namespace Haunt.Replication;

/// <summary>The region this silo serves (its SiloName); every entity grain on it belongs to this region.</summary>
public sealed record SiloRegion(string Name);
