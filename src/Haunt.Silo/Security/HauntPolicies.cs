using Microsoft.AspNetCore.Authorization;

namespace Haunt.Silo.Security;

/// <summary>
/// Who may do what, in one place. Every endpoint needs an authenticated caller (the fallback policy) except the
/// liveness probe; a portfolio and what hangs off it belong to the user who opened it (checked in
/// <see cref="Api.TradingServices"/>: another user gets 404, so existence is not revealed); the sync API beyond
/// health, reconciliation, the Orleans dashboard and the API reference need the operator role; the states in the
/// conflict log the auditor role too.
/// </summary>
public static class HauntPolicies
{
    /// <summary>Sync API (except health), reconcile, dashboard, OpenAPI document and UI.</summary>
    public const string Operator = "operator";

    public const string OperatorRole = "operator";

    /// <summary>
    /// May read the entity states in the conflict log. An operator sees every conflict's type, id, vectors, regions,
    /// winner and policy, but not what the conflicting users' entities held: that takes this role as well.
    /// </summary>
    public const string AuditorRole = "auditor";

    /// <summary>The claim roles travel in (short, as tokens write it).</summary>
    public const string RoleClaim = "role";

    /// <summary>The claim naming the user: the token's subject.</summary>
    public const string UserClaim = "sub";

    public static void Configure(AuthorizationOptions options)
    {
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        options.AddPolicy(Operator, p => p.RequireAuthenticatedUser().RequireRole(OperatorRole));
    }
}
