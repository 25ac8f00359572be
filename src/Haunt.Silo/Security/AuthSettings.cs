using Microsoft.IdentityModel.Tokens;

namespace Haunt.Silo.Security;

/// <summary>
/// How callers prove who they are (section Haunt:Auth): JWT bearer tokens from <see cref="Issuer"/> for
/// <see cref="Audience"/>, signed (HMAC-SHA256) with one of <see cref="SigningKeys"/>. The first key signs the
/// tokens `haunt token` mints; every key verifies, so a rotation puts the new key first and keeps the old one
/// until the tokens it signed have expired.
/// </summary>
public sealed class AuthSettings
{
    public const string DefaultIssuer = "haunt";
    public const string DefaultAudience = "haunt-api";

    public string Issuer { get; set; } = DefaultIssuer;

    public string Audience { get; set; } = DefaultAudience;

    /// <summary>Base64 keys of at least 32 bytes, the signing one first.</summary>
    public List<string> SigningKeys { get; set; } = [];

    /// <summary>Tokens signed by any of the keys; each key carries an id derived from it, so a token names the key that signed it.</summary>
    public IReadOnlyList<SymmetricSecurityKey> Keys() => [.. SigningKeys.Select(KeyOf)];

    public static SymmetricSecurityKey KeyOf(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        return new SymmetricSecurityKey(bytes) { KeyId = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..16] };
    }

    /// <summary>What is wrong with these settings, in words an operator can act on.</summary>
    public IEnumerable<string> Problems()
    {
        if (SigningKeys.Count == 0)
        {
            yield return "Haunt:Auth:SigningKeys is required outside development: set Haunt__Auth__SigningKeys__0 (base64, ≥ 32 bytes; " +
                "during a rotation the new key as __0 and the old one as __1), or pass --development to generate a local key.";
        }

        for (var i = 0; i < SigningKeys.Count; i++)
        {
            if (!Base64Key.IsValid(SigningKeys[i]))
            {
                yield return $"Haunt:Auth:SigningKeys:{i} must be base64 of at least 32 bytes.";
            }
        }

        if (string.IsNullOrWhiteSpace(Issuer) || string.IsNullOrWhiteSpace(Audience))
        {
            yield return "Haunt:Auth:Issuer and Haunt:Auth:Audience must not be empty.";
        }
    }
}
