using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Haunt.Silo.Security;

/// <summary>JWT bearer authentication and the policies of <see cref="HauntPolicies"/>, wired into a silo's HTTP API.</summary>
public static class HauntAuthentication
{
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
                // The Authorization header when there is one (the handler reads it itself); else a page's fresh
                // ?access_token=, else the cookie a browser keeps (BrowserSignIn).
                OnMessageReceived = context =>
                {
                    context.Token = BrowserSignIn.TokenOf(context.Request);
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
    /// Authentication, then (for a browser that opened a page with ?access_token=) the sign-in of <see cref="BrowserSignIn"/>,
    /// the caller as every grain call's <see cref="ActingUser"/>, then authorization; POST /signout for browsers. 401 and 403 get their ProblemDetails body from the status code pages.
    /// </summary>
    public static WebApplication UseHauntAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            if (BrowserSignIn.KeepAndStrip(context))
            {
                return;
            }

            // Every grain call made for this request carries its user: a forward to the home region is checked there again.
            if (context.User.FindFirst(HauntPolicies.UserClaim)?.Value is { } user)
            {
                ActingUser.Set(user);
            }

            await next(context);
        });
        app.UseAuthorization();
        app.MapPost("/signout", BrowserSignIn.SignOut).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
