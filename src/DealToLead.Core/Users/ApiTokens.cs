using System.Security.Cryptography;
using System.Text;

namespace DealToLead.Core.Users;

/// <summary>Personal API tokens: 40 hex characters like Pipedrive's, stored only as a SHA-256 hash.</summary>
public static class ApiTokens
{
    public static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
