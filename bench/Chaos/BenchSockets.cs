using System.Net;
using System.Net.Sockets;

namespace ChatResilience.Bench.Chaos;

/// <summary>Client-side helpers for the measurements.</summary>
internal static class BenchSockets
{
    public static async Task<Socket> ConnectAsync(string hostPort)
    {
        var port = int.Parse(hostPort.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    /// <summary>Opens <paramref name="count"/> connections to <paramref name="hostPort"/>, one after another.</summary>
    public static async Task<Socket[]> ConnectManyAsync(string hostPort, int count)
    {
        var sockets = new Socket[count];
        for (var i = 0; i < count; i++)
        {
            sockets[i] = await ConnectAsync(hostPort);
        }

        return sockets;
    }

    public static async Task ReadExactlyAsync(Socket socket, Memory<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            read += n;
        }
    }

    /// <summary>One ping-pong of <paramref name="message"/> through an echo path; returns microseconds.</summary>
    public static async Task<double> RoundTripMicrosecondsAsync(Socket socket, byte[] message, byte[] reply)
    {
        var start = TimeProvider.System.GetTimestamp();
        await socket.SendAsync(message, SocketFlags.None);
        await ReadExactlyAsync(socket, reply);
        return TimeProvider.System.GetElapsedTime(start).TotalMicroseconds;
    }

    /// <summary>Reads until the peer closes or <paramref name="ct"/> stops it, telling <paramref name="count"/> each receive's size.</summary>
    public static async Task DrainAsync(Socket socket, int bufferBytes, Action<int> count, CancellationToken ct)
    {
        var buffer = new byte[bufferBytes];
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (n == 0)
                {
                    return;
                }

                count(n);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
