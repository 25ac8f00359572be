using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Haunt.Silo.Security;

/// <summary>JWT bearer authentication and the policies of <see cref="HauntPolicies"/>, wired into a silo's HTTP API.</summary>
public static class HauntAuthentication
{
    /// <summary>Where a browser keeps its token after opening a URL with ?access_token= (the dashboard's own calls carry no header).</summary>
    public const string CookieName = "haunt_token";

    public static IServiceCollection AddHauntAuthentication(this IServiceCollection services, AuthSettings auth)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false; // keep "sub" and "role" as the token writes them
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Issuer,
                ValidAudience = auth.Audience,
                IssuerSigningKeys = auth.Keys(),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = HauntPolicies.UserClaim,
                RoleClaimType = HauntPolicies.RoleClaim,
            };
            o.Events = new JwtBearerEvents
            {
                // The Authorization header when there is one (the handler reads it itself); else the cookie a browser
                // got from ?access_token=, or that query itself.
                OnMessageReceived = context =>
                {
                    if (string.IsNullOrEmpty(context.Request.Headers.Authorization))
                    {
                        context.Token = context.Request.Cookies[CookieName] is { Length: > 0 } cookie ? cookie
                            : context.Request.Query["access_token"].FirstOrDefault();
                    }

                    return Task.CompletedTask;
                },
                // A token must say who its caller is: without a subject it is refused here (401), not in a handler.
                OnTokenValidated = context =>
                {
                    if (string.IsNullOrWhiteSpace(context.Principal?.FindFirst(HauntPolicies.UserClaim)?.Value))
                    {
                        context.Fail("The token names no subject (sub).");
                    }

                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorization(HauntPolicies.Configure);
        return services;
    }

    /// <summary>
    /// Authentication, then (for a browser that opened a URL with ?access_token=) a cookie holding that token so the
    /// page's own requests carry it, then authorization. 401 and 403 get their ProblemDetails body from the status code pages.
    /// </summary>
    public static WebApplication UseHauntAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated == true && context.Request.Query["access_token"].FirstOrDefault() is { Length: > 0 } token)
            {
                context.Response.Cookies.Append(CookieName, token, new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Secure = context.Request.IsHttps,
                    Path = "/",
                });
            }

            await next(context);
        });
        app.UseAuthorization();
        return app;
    }
}
