using System.Net;
using System.Net.Sockets;

namespace ChatResilience.Chaos.Tests.Support;

/// <summary>Client-side socket helpers for data-path tests (all bounded in time).</summary>
internal static class Sockets
{
    public static int Port(string listen) => int.Parse(listen.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<Socket> ConnectAsync(string listen)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port(listen)), Bounded.Token());
        return socket;
    }

    public static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, Bounded.Token());
            if (n == 0)
            {
                throw new EndOfStreamException($"EOF after {read} of {count} bytes");
            }

            read += n;
        }

        return buffer;
    }

    /// <summary>Reads until the peer closes; returns everything read.</summary>
    public static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, Bounded.Token());
            if (n == 0)
            {
                return all.ToArray();
            }

            all.Write(buffer, 0, n);
        }
    }
}
