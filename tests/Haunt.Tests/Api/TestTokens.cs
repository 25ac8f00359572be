using System.Net.Http.Headers;
using Haunt.Silo.Security;

namespace Haunt.Tests.Api;

/// <summary>
/// The token settings every silo of the test run verifies with (a fixed test key, never used outside tests),
/// and tokens signed with it. Test clients act as <see cref="User"/> with the operator role unless a test says otherwise.
/// </summary>
public static class TestTokens
{
    public const string SigningKey = "aGF1bnQtdGVzdC10b2tlbi1zaWduaW5nLWtleS0zMi1ieXRlcy1sb25nISE=";
    public const string User = "api-test";

    public static AuthSettings Settings { get; } = new() { SigningKeys = [SigningKey] };

    public static string For(string user, params string[] roles) => TokenIssuer.Mint(Settings, user, roles, TimeSpan.FromHours(1));

    public static HttpClient WithToken(this HttpClient http, string token)
    {
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>The test user with the operator role: may trade its own portfolios and use the whole sync API.</summary>
    public static HttpClient AsOperator(this HttpClient http) => http.WithToken(For(User, HauntPolicies.OperatorRole));
}
