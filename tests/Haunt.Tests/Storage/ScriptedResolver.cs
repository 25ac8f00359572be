namespace Haunt.Tests.Storage;

/// <summary>A resolver whose answers (or side effects, or failures) a test writes: the store must take them as they come.</summary>
public sealed class ScriptedResolver(Func<EntityState?, EntityState, Resolution> resolve) : IChangeResolver
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Resolution Resolve(EntityState? local, EntityState incoming)
    {
        Interlocked.Increment(ref _calls);
        return resolve(local, incoming);
    }
}
