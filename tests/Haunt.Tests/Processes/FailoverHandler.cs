using System.Net.Sockets;
using Haunt.Tests.Api;

namespace Haunt.Tests.Processes;

/// <summary>
/// What a load balancer in front of a region's silos does: send each request to the first silo, and to the next
/// one when the connection is refused (the request never left, so resending it cannot make a write twice). Any
/// other failure is the caller's: the request may have been processed.
/// </summary>
public sealed class FailoverHandler(IReadOnlyList<Uri> silos) : DelegatingHandler(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2) })
{
    private int _current;

    /// <summary>An operator's HTTP client of a region's API through these silos: the first, then the next when it refuses connections.</summary>
    public static HttpClient OperatorClient(params SiloProcess[] silos) =>
        new HttpClient(new FailoverHandler([.. silos.Select(s => new Uri(s.HttpUrl))])) { BaseAddress = new Uri(silos[0].HttpUrl), Timeout = TimeSpan.FromSeconds(20) }.AsOperator();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = request.Content?.Headers.ToList();
        for (var tried = 0; ; tried++)
        {
            var silo = silos[Volatile.Read(ref _current) % silos.Count];
            var attempt = new HttpRequestMessage(request.Method, new Uri(silo, request.RequestUri!.PathAndQuery));
            foreach (var (name, values) in request.Headers)
            {
                attempt.Headers.TryAddWithoutValidation(name, values); // the bearer token among them
            }
            if (body is not null)
            {
                attempt.Content = new ByteArrayContent(body);
                foreach (var (name, values) in headers!)
                {
                    attempt.Content.Headers.TryAddWithoutValidation(name, values);
                }
            }

            try
            {
                return await base.SendAsync(attempt, cancellationToken);
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } && tried + 1 < silos.Count)
            {
                Interlocked.Increment(ref _current);
            }
        }
    }
}
