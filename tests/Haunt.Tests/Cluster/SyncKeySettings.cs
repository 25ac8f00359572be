using Microsoft.Extensions.Configuration;

namespace Haunt.Tests.Cluster;

/// <summary>
/// A configuration holding only Haunt:Sync:ClusterKey and Haunt:Sync:AcceptedKeys that a test rewrites and
/// reloads, as an operator's edited appsettings.json or secret store would be: what a silo binds its sync
/// options from, so a rotation goes through the options' reload path, not around it.
/// </summary>
public sealed class SyncKeySettings
{
    private readonly KeysProvider _provider = new();

    public SyncKeySettings(string clusterKey)
    {
        Configuration = new ConfigurationBuilder().Add(new KeysSource(_provider)).Build();
        Use(clusterKey, []);
    }

    public IConfigurationRoot Configuration { get; }

    /// <summary>Signs with <paramref name="signing"/>, also accepts <paramref name="accepted"/>, and reloads.</summary>
    public void Use(string signing, IReadOnlyList<string> accepted)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Haunt:Sync:ClusterKey"] = signing };
        for (var i = 0; i < accepted.Count; i++)
        {
            data[$"Haunt:Sync:AcceptedKeys:{i}"] = accepted[i];
        }

        _provider.Replace(data);
    }

    private sealed class KeysSource(KeysProvider provider) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => provider;
    }

    private sealed class KeysProvider : ConfigurationProvider
    {
        public void Replace(Dictionary<string, string?> data)
        {
            Data = data;
            OnReload();
        }
    }
}
