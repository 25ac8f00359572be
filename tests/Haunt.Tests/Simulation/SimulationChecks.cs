namespace Haunt.Tests.Simulation;

// The end state after healing, beside what the stores watched as it happened (versions only up, no
// resurrection, no double apply, the resolver's outcome for every concurrent pair).
public sealed partial class SimulatedCluster
{
    private List<string> Check(bool quiesced, out int lost)
    {
        var violations = _nodes.Values.SelectMany(n => n.Store.Violations).ToList();
        if (!quiesced)
        {
            violations.Add("the regions did not converge (equal digests, empty outboxes) after healing");
        }

        lost = 0;
        foreach (var ((type, id), writes) in _acked)
        {
            var states = _nodes.Keys.Select(r => (Region: r, State: _nodes[r].Store.Rows.GetValueOrDefault((type, id)))).ToList();
            foreach (var (region, state) in states)
            {
                var missing = writes.Where(w => state is null || state.Vector.Compare(w.State.Vector) is not (VectorOrder.Newer or VectorOrder.Equal)).ToList();
                lost += missing.Count;
                violations.AddRange(missing.Select(w => $"{type} {id}: the write {w.State.Vector} acknowledged in {w.Region} is missing in {region} (holds {state?.Vector})"));

                // Exactly once: a region's counter counts its acknowledged writes, no more (doubled), no fewer (lost).
                foreach (var writer in Regions.All)
                {
                    var count = writes.Count(w => w.Region == writer);
                    if ((state?.Vector.Get(writer) ?? 0) != count)
                    {
                        violations.Add($"{type} {id} in {region}: {writer} made {count} acknowledged writes, vector {state?.Vector}");
                    }
                }

                // A final vector equal to a write's own is that write (a merge is always above both sides): same data, same delete.
                if (state is not null && writes.Find(w => w.State.Vector == state.Vector).State is { } last
                    && (last.Deleted != state.Deleted || last.Payload != state.Payload))
                {
                    violations.Add($"{type} {id} in {region}: holds {state.Vector} deleted={state.Deleted}, but that write was deleted={last.Deleted}");
                }
            }

            // Digests cover (id, vector, deleted); the winner's payload must agree too.
            if (states.Select(s => s.State).Distinct().Count() != 1)
            {
                violations.Add($"{type} {id}: regions hold different states: " + string.Join("; ", states.Select(s => $"{s.Region} {s.State?.Vector} by {s.State?.ModifiedBy} deleted={s.State?.Deleted}")));
            }
        }

        foreach (var (region, node) in _nodes)
        {
            var conflicts = Wait(node.Store.ConflictsAsync(0, int.MaxValue));
            var logged = conflicts.Select(c => (c.EntityType, c.EntityId, InMemoryRegionalStore.PairKey(VersionVector.Parse(c.LocalVector), VersionVector.Parse(c.RemoteVector)))).ToHashSet();
            foreach (var pair in node.Store.ConcurrentSeen.Where(p => !p.Type.Info().IsAppendOnly && !logged.Contains(p)))
            {
                violations.Add($"{region} met concurrent versions {pair.Pair} of {pair.Type} {pair.Id} but logged no conflict for them");
            }

            if (logged.Count != conflicts.Count)
            {
                violations.Add($"{region} logged a pair of versions twice");
            }

            if (conflicts.Any(c => c.EntityType.Info().IsAppendOnly))
            {
                violations.Add($"{region} logged a conflict for an append-only record");
            }
        }

        return violations;
    }
}
