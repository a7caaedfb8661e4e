namespace ChatResilience.Protocol;

/// <summary>Limits the codec enforces while decoding; the server announces them in <c>welcome</c>.</summary>
public sealed record FrameLimits
{
    /// <summary>Default <c>maxFrameBytes</c>: 1 MiB.</summary>
    public const int DefaultMaxFrameBytes = 1024 * 1024;

    /// <summary>Default <c>maxBodyBytes</c>: 64 KiB.</summary>
    public const int DefaultMaxBodyBytes = 64 * 1024;

    /// <summary>Default <c>historyMaxLimit</c>: 500.</summary>
    public const int DefaultHistoryMaxLimit = 500;

    /// <summary>Largest frame, before or after decompression. Default 1 MiB.</summary>
    public int MaxFrameBytes { get; init; } = DefaultMaxFrameBytes;

    /// <summary>Largest <c>body</c> in UTF-8 bytes. Default 64 KiB.</summary>
    public int MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>Largest <c>history.limit</c>. Default 500.</summary>
    public int HistoryMaxLimit { get; init; } = DefaultHistoryMaxLimit;

    /// <summary>The protocol defaults.</summary>
    public static FrameLimits Default { get; } = new();
}
