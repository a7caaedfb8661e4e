namespace ChatResilience.Server.Hosting;

/// <summary>How <see cref="ChatServerHost"/> listens and authenticates.</summary>
public sealed record ChatServerHostOptions
{
    /// <summary>Loopback port; 0 lets the OS choose. Default 0.</summary>
    public int Port { get; init; }

    /// <summary>The chat options. Default: protocol defaults, in-memory log.</summary>
    public ChatServerOptions Chat { get; init; } = new();

    /// <summary>ASP.NET Core environment name; dev tokens are off in "Production". Default "Development".</summary>
    public string Environment { get; init; } = "Development";

    /// <summary>HS256 signing key (≥ 32 bytes); null uses the development key outside Production. Default null.</summary>
    public string? SigningKey { get; init; }

    /// <summary>Whether the server uses the simulated assistant processor for <c>assistant-*</c> rooms. Default true.</summary>
    public bool EnableAssistant { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming every bad field.</summary>
    public ChatServerHostOptions Validate()
    {
        var errors = new List<string>();
        if (Port is < 0 or > 65535)
        {
            errors.Add("Port must be 0..65535");
        }

        if (string.IsNullOrWhiteSpace(Environment))
        {
            errors.Add("Environment must be set");
        }

        if (SigningKey is null && IsProduction)
        {
            errors.Add("SigningKey is required in Production");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid ChatServerHostOptions: " + string.Join("; ", errors));
        }

        Chat.Validate();
        return this;
    }

    internal bool IsProduction => string.Equals(Environment, "Production", StringComparison.OrdinalIgnoreCase);
}
