using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Haunt.Silo.Security;

/// <summary>Mints the tokens `haunt token` prints (development and tests; production tokens come from the deployment's identity provider).</summary>
public static class TokenIssuer
{
    public static string Mint(AuthSettings auth, string user, IEnumerable<string> roles, TimeSpan lifetime, DateTime? notBefore = null)
    {
        var now = notBefore ?? DateTime.UtcNow;
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, user) };
        claims.AddRange(roles.Select(r => new Claim(HauntPolicies.RoleClaim, r)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now,
            IssuedAt = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(auth.Keys()[0], SecurityAlgorithms.HmacSha256),
        });
    }
}
