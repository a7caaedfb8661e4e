using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ChatResilience.Chaos.Proxy.Internal.Net;

/// <summary>Parses Go-style "host:port" addresses ("127.0.0.1:0", "localhost:80", "[::1]:80", ":8080").</summary>
internal static class HostPort
{
    public static bool TrySplit(string address, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            return false;
        }

        host = address[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return true;
    }

    /// <summary>Resolves a listen address to an endpoint; throws <see cref="ApiException"/> 500 when it cannot.</summary>
    public static IPEndPoint ResolveListen(string listen)
    {
        if (!TrySplit(listen, out var host, out var port))
        {
            throw new ApiException(500, $"listen tcp {listen}: address {listen}: missing port in address");
        }

        if (host.Length == 0)
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        if (IPAddress.TryParse(host, out var ip))
        {
            return new IPEndPoint(ip, port);
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            return chosen is null
                ? throw new ApiException(500, $"listen tcp {listen}: no such host")
                : new IPEndPoint(chosen, port);
        }
        catch (SocketException ex)
        {
            throw new ApiException(500, $"listen tcp {listen}: {ex.Message}");
        }
    }

    public static string Format(IPEndPoint endpoint) =>
        endpoint.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{endpoint.Address}]:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{endpoint.Address}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}";
}
