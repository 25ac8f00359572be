namespace Haunt.Grains.Door;

/// <summary>Who knocks at a region's door: another silo of the same region (silo port), or a peer region's client (gateway).</summary>
public enum DoorRole : byte
{
    Silo = 1,
    Peer = 2,
}
