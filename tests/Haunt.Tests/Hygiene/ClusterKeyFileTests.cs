using System.Runtime.Versioning;
using Haunt.Silo.Hosting;

namespace Haunt.Tests.Hygiene;

/// <summary>The development sync key: whoever can read it can forge sync batches, so only its owner may.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ClusterKeyFileTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("haunt-key-tests-");

    private string KeyPath => Path.Combine(_folder.FullName, "cluster.key");

    public void Dispose() => _folder.Delete(recursive: true);

    [SkippableFact]
    public void A_new_development_key_is_readable_and_writable_by_its_owner_only()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes.");

        var key = ClusterKeyFile.LoadOrCreate(_folder.FullName);

        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(KeyPath));
        Assert.Equal(key, ClusterKeyFile.LoadOrCreate(_folder.FullName));
    }

    [SkippableFact]
    public void An_existing_key_readable_by_others_is_kept_and_narrowed_to_its_owner()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes.");
        var key = Convert.ToBase64String(new byte[32]);
        File.WriteAllText(KeyPath, key);
        File.SetUnixFileMode(KeyPath, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        Assert.Equal(key, ClusterKeyFile.LoadOrCreate(_folder.FullName));
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(KeyPath));
    }

    [SkippableFact]
    public void An_existing_key_stricter_than_owner_read_write_is_never_widened()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes.");
        File.WriteAllText(KeyPath, Convert.ToBase64String(new byte[32]));
        File.SetUnixFileMode(KeyPath, UnixFileMode.UserRead);

        ClusterKeyFile.LoadOrCreate(_folder.FullName);

        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(KeyPath));
    }
}
