using Haunt.Abstractions.Entities;
using System.Text.Json;

namespace Haunt.Abstractions.Sync;

/// <summary>
/// The owner a portfolio's stored row is indexed by, so a region can count a user's portfolios without reading
/// them all (the per-user portfolio quota). Taken from the payload as written or replicated; a row that is not a
/// live, readable portfolio has none, so a malformed payload from anywhere never fails the write that carries it.
/// </summary>
public static class PortfolioOwners
{
    public static string? Of(EntityState state)
    {
        if (state.Type != EntityType.Portfolio || state.Deleted)
        {
            return null;
        }

        try
        {
            return StateJson.Deserialize<Portfolio>(state.Payload).Owner;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
