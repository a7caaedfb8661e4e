using System.Globalization;
using System.Net;
using System.Text.Json;
using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Harness;

namespace ChatResilience.Simulator.Sharding;

/// <summary>The <c>chatsim run</c> side of sharding: whether to split, and one sharded run with its verdict.</summary>
internal static class ShardedRun
{
    /// <summary>
    /// Null for a one-process run; otherwise the layout. Splits when asked (<c>--workers</c>, <c>--external-workers</c>)
    /// or when the clients exceed one process's file budget, unless <c>--no-split</c> (then the budget check exits 64).
    /// </summary>
    public static ShardRunOptions? OptionsFor(RunArguments a, int clients)
    {
        ArgumentNullException.ThrowIfNull(a);
        var asked = a.Workers is not null || a.ExternalWorkers is not null;
        if (a.NoSplit)
        {
            return asked ? throw new CliException("--no-split: cannot be combined with --workers / --external-workers") : OneProcess(a);
        }

        if (!asked && FileBudget.Check(clients) is null)
        {
            return OneProcess(a);
        }

        if (a.ServerUrl is not null || a.ToxiproxyUrl is not null)
        {
            throw new CliException("sharded runs host their own server process and per-worker proxies: --server-url / --toxiproxy-url are not supported with workers (yet)");
        }

        var workers = a.ExternalWorkers ?? a.Workers ?? ShardBudget.WorkersFor(clients);
        if (ShardBudget.Check(clients, workers) is { } problem)
        {
            throw new CliException(problem);
        }

        var (listen, port) = ParseListen(a.CoordinatorListen);
        if (a.CoordinatorCertificate is { } files)
        {
            // Read now, so a wrong path, password or key is a usage error before any process starts (the coordinator
            // loads it again when its API starts).
            using var check = files.Load(TimeProvider.System.GetUtcNow());
        }

        return new ShardRunOptions
        {
            Workers = workers, ExternalWorkers = a.ExternalWorkers is not null, Listen = listen, Port = port, Tls = a.CoordinatorTls,
            Certificate = a.CoordinatorCertificate, Secret = CoordinatorSecret.FromEnvironment(),
        };
    }

    /// <summary>A one-process run has no coordinator: a certificate for one is a mistake worth naming.</summary>
    private static ShardRunOptions? OneProcess(RunArguments a) =>
        a.CoordinatorCertificate is null
            ? null
            : throw new CliException($"{CoordinatorCertificateFiles.CertificateOption}: only for a sharded run (--workers N or --external-workers N), which has a coordinator to serve it");

    public static async Task<(SimulationResult, RunVerdict)> RunOnceAsync(
        SimulationSettings settings, ShardRunOptions options, RunArguments a, string runDir, TextWriter output, CancellationToken cancellationToken)
    {
        var json = await File.ReadAllTextAsync(a.ScenarioPath, cancellationToken);
        var coordinator = new ShardCoordinator(settings, options, json, a.Bugs, new PlainProgressSink(output, TimeSpan.FromSeconds(5)), output.WriteLine);
        var (result, info) = await coordinator.RunAsync(cancellationToken);
        Directory.CreateDirectory(runDir);
        await File.WriteAllTextAsync(Path.Combine(runDir, "workers.json"), JsonSerializer.Serialize(info, ShardingJsonContext.Default.ShardRunInfo), CancellationToken.None);
        foreach (var w in info.Workers)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  worker {w.WorkerId}: {w.Clients} clients, {w.DescribeClock()}, peak RSS {w.PeakRssBytes / 1048576.0:0} MiB, CPU {w.CpuSeconds:0.0} s, peak open files {w.PeakOpenFiles}, RSS per client {w.RssBytesPerClient / 1024.0:0.0} KiB (after full GCs, clients and proxies at rest)"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  server process: peak RSS {info.ServerPeakRssBytes / 1048576.0:0} MiB, CPU {info.ServerCpuSeconds:0.0} s, peak open files {info.ServerPeakOpenFiles}; coordinator: peak RSS {info.CoordinatorPeakRssBytes / 1048576.0:0} MiB, CPU {info.CoordinatorCpuSeconds:0.0} s"));
        return (result, RunVerdict.Judge(settings.Scenario, result));
    }

    /// <summary>Parses <c>--coordinator-listen IP:PORT</c>; null: 127.0.0.1 and a free port.</summary>
    internal static (IPAddress, int) ParseListen(string? text)
    {
        if (text is null)
        {
            return (IPAddress.Loopback, 0);
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !IPAddress.TryParse(text[..colon], out var ip)
            || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new CliException($"--coordinator-listen: '{text}' must be ip:port, e.g. 0.0.0.0:7100");
        }

        return (ip, port);
    }
}
