using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Orleans.Providers;

namespace Haunt.Grains.Door;

/// <summary>
/// What a peer region may do once it is through the door: only what the peer link needs. A grain call from a client
/// (anything but this cluster's own grains and its silos' hosted clients: the HTTP API, the startup tasks) reaches a
/// grain only if its method is <see cref="PeerCallableAttribute">peer-callable</see> or is the stream queue the sync
/// messages are published on; a forwarded write must name the user it is for, and only strong entities take one.
/// Everything else is refused before the grain method runs, and counted.
/// </summary>
public sealed partial class PeerCallFilter(RegionDoor door, ILogger<PeerCallFilter> log) : IIncomingGrainCallFilter
{
    private const string HostedPrefix = "hosted-";

    /// <summary>
    /// Orleans' own calls that every client makes: the cluster's grain types (read when it connects) and the
    /// cancellation of a call it gave up on (a peer's digest read that timed out stops at the store here too).
    /// </summary>
    private static readonly HashSet<string> s_runtimeCalls = new(StringComparer.Ordinal)
    {
        "Orleans.Runtime.IClusterManifestSystemTarget",
        "Orleans.Runtime.IGrainCallCancellationExtension",
    };
    private static readonly ConcurrentDictionary<MethodInfo, PeerCallableAttribute?> s_surface = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.SourceId is not { } source || !source.IsClient() || IsHosted(source))
        {
            return context.Invoke();
        }

        if (Refusal(context) is { } reason)
        {
            door.CallRefused();
            LogRefused(log, context.InterfaceMethod?.DeclaringType?.Name ?? "?", context.MethodName, reason);
            throw new UnauthorizedAccessException($"{context.InterfaceMethod?.DeclaringType?.Name}.{context.MethodName} is not open to peer regions: {reason}.");
        }

        return context.Invoke();
    }

    private static string? Refusal(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod is not { } method)
        {
            return "unknown method";
        }

        if (method.DeclaringType?.FullName is { } runtime && s_runtimeCalls.Contains(runtime))
        {
            return null;
        }

        if (method.DeclaringType == typeof(IMemoryStreamQueueGrain) && method.Name == nameof(IMemoryStreamQueueGrain.Enqueue))
        {
            return null; // sync messages onto the region's stream: sealed or signed, checked again by the sync loop
        }

        var callable = s_surface.GetOrAdd(method, m => m.GetCustomAttribute<PeerCallableAttribute>());
        if (callable is null)
        {
            return "the peer link does not call it";
        }

        if (!callable.ForwardedWrite)
        {
            return null;
        }

        if (ActingUser.Current is null)
        {
            return "a forwarded write must name the user it is made for";
        }

        return context.TargetContext.GrainInstance is IHomeOfWrites { TakesForwardedWrites: false }
            ? "only strong entities are written in a home region"
            : null;
    }

    /// <summary>
    /// A silo of this cluster calling from outside a grain (its HTTP API, its startup, a silo joining the cluster):
    /// Orleans names such callers "hosted-&lt;silo address&gt;". Only connections the door admitted get this far, so a
    /// peer could claim that name only by building its client by hand around the cluster key it holds anyway.
    /// </summary>
    private static bool IsHosted(GrainId client) => client.Key.ToString().StartsWith(HostedPrefix, StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A client call to {Interface}.{Method} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string @interface, string method, string reason);
}
