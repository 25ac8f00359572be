namespace Haunt.Bench;

/// <summary>
/// What operators making one call (or the mix, "all") cost the machine with no writes: the process's CPU (every silo,
/// the operators' clients, the GC; a share of all cores) and what it allocated, over a window, against a quiet one.
/// </summary>
public sealed record OperatorCost(string Call, double CpuShare, double CpuShareQuiet, double AllocatedMbPerSecond, long RequestsServed, double Seconds)
{
    /// <summary>CPU milliseconds one answered request cost, everything in the process together.</summary>
    public double CpuMsPerRequest => RequestsServed == 0 ? 0 : (CpuShare - CpuShareQuiet) * Environment.ProcessorCount * Seconds * 1000 / RequestsServed;

    /// <summary>KB the process allocated per answered request.</summary>
    public double AllocatedKbPerRequest => AllocatedMbPerSecond * Seconds * 1024 / Math.Max(1, RequestsServed);
}
