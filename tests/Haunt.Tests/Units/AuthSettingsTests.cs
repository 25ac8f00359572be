using Haunt.Silo.Hosting;
using Haunt.Silo.Security;

namespace Haunt.Tests.Units;

/// <summary>Token settings: required outside development, each key checked, development falls back to a local key.</summary>
public sealed class AuthSettingsTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"haunt-auth-tests-{Guid.NewGuid():N}");

    private static SiloHostOptions Options(bool development, params string[] keys) => new()
    {
        Region = KnownRegions.Osaka,
        Development = development,
        Sync = { ClusterKey = Convert.ToBase64String(new byte[32]) },
        Auth = { SigningKeys = [.. keys] },
    };

    [Fact]
    public void Outside_development_a_signing_key_is_required_and_named()
    {
        Assert.StartsWith("Haunt:Auth:SigningKeys is required outside development", Assert.Single(Options(development: false).Problems()), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_key_of_a_rotation_is_checked_by_its_index()
    {
        var problem = Assert.Single(Options(false, Convert.ToBase64String(new byte[32]), "c2hvcnQ=").Problems());

        Assert.Equal("Haunt:Auth:SigningKeys:1 must be base64 of at least 32 bytes.", problem);
    }

    [Fact]
    public void In_development_without_keys_the_data_folders_key_is_made_once_and_kept()
    {
        var first = Options(development: true).EffectiveAuth(_data);
        var again = Options(development: true).EffectiveAuth(_data);

        Assert.Empty(Options(development: true).Problems());
        Assert.Equal(first.SigningKeys, again.SigningKeys);
        Assert.True(File.Exists(Path.Combine(_data, ClusterKeyFile.TokenSigningKey))); // its mode: ClusterKeyFileTests
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
