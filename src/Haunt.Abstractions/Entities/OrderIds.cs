using System.Security.Cryptography;
using System.Text;

namespace Haunt.Abstractions.Entities;

/// <summary>
/// An order's id is its portfolio's own: the id a client chooses (to make a retry idempotent) is combined with
/// the portfolio's id, so two portfolios may use the same client id and get two orders, and no answer to one
/// portfolio's owner can tell whether an id is taken in another. The stored id is 32 hex digits of SHA-256 over
/// both, the same in every region and on every retry.
/// </summary>
public static class OrderIds
{
    public static string For(string portfolioId, string clientOrderId)
    {
        ArgumentException.ThrowIfNullOrEmpty(portfolioId);
        ArgumentException.ThrowIfNullOrEmpty(clientOrderId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"haunt-order/1|{portfolioId}|{clientOrderId}"));
        return Convert.ToHexStringLower(hash, 0, 16);
    }
}
