using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ChatResilience.Simulator.Load.Sharded.Remote;
using ChatResilience.Simulator.Sharding;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Simulator.Tests.Sharding;

/// <summary>
/// TLS on the coordinators' APIs: HTTPS beyond loopback with a certificate made for the run, and processes that accept
/// it only by the fingerprint the coordinator printed.
/// </summary>
public sealed class CoordinatorTlsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("127.0.0.1", false, false)]
    [InlineData("::1", false, false)]
    [InlineData("127.0.0.1", true, true)]
    [InlineData("0.0.0.0", false, true)]
    [InlineData("10.1.2.3", false, true)]
    [InlineData("::", false, true)]
    public void IsOn_BeyondLoopback_OrWhenAskedFor(string listen, bool forced, bool on) =>
        Assert.Equal(on, CoordinatorTls.IsOn(IPAddress.Parse(listen), forced));

    [Fact]
    public void CreateCertificate_IsAServerCertificateWithItsKey_ValidForTheRunsWeek()
    {
        using var certificate = CoordinatorTls.CreateCertificate(Now);

        Assert.True(certificate.HasPrivateKey);
        Assert.NotNull(certificate.GetECDsaPrivateKey());
        Assert.Equal(Now.AddMinutes(-1).UtcDateTime, certificate.NotBefore.ToUniversalTime());
        Assert.Equal(Now.Add(CoordinatorTls.Validity).UtcDateTime, certificate.NotAfter.ToUniversalTime());
        Assert.Matches("^[0-9A-F]{64}$", CoordinatorTls.Fingerprint(certificate));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(certificate.RawData)), CoordinatorTls.Fingerprint(certificate));
        // Each run makes its own: a fingerprint copied from another run does not match.
        using var another = CoordinatorTls.CreateCertificate(Now);
        Assert.NotEqual(CoordinatorTls.Fingerprint(certificate), CoordinatorTls.Fingerprint(another));
    }

    [Fact]
    public void ParseFingerprint_TakesItAsOtherToolsPrintIt_AndRefusesAnythingElse()
    {
        var hex = new string('A', 62) + "0f";
        Assert.Equal(hex.ToUpperInvariant(), CoordinatorTls.ParseFingerprint(hex));
        var colons = string.Join(':', Enumerable.Range(0, 32).Select(i => hex.Substring(i * 2, 2).ToLowerInvariant()));
        Assert.Equal(hex.ToUpperInvariant(), CoordinatorTls.ParseFingerprint(colons));

        Assert.Contains("is not a SHA-256 fingerprint", Assert.Throws<FormatException>(() => CoordinatorTls.ParseFingerprint(hex[..40])).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => CoordinatorTls.ParseFingerprint(new string('G', 64)));
        Assert.Throws<FormatException>(() => CoordinatorTls.ParseFingerprint(""));
    }

    [Fact]
    public void JoinArguments_CarryTheFingerprintOnlyForAnHttpsCoordinator()
    {
        Assert.Equal("--coordinator http://127.0.0.1:7100/", CoordinatorTls.JoinArguments(new Uri("http://127.0.0.1:7100/"), null));
        Assert.Equal("--coordinator https://127.0.0.1:7100/ --coordinator-fingerprint AB", CoordinatorTls.JoinArguments(new Uri("https://127.0.0.1:7100/"), "AB"));
    }

    [Fact]
    public async Task AnHttpsApi_AnswersTheProcessWithItsFingerprint_AndRefusesEveryOtherCheck()
    {
        using var book = new RemoteLoadProcesses(2, new FakeTimeProvider(Now), TextWriter.Null);
        using var certificate = CoordinatorTls.CreateCertificate(Now);
        await using var api = await LoadCoordinatorApi.StartAsync(book, IPAddress.Loopback, 0, certificate: new ServedCertificate(certificate));
        Assert.Equal("https", api.BaseUri.Scheme);
        Assert.Equal(CoordinatorTls.Fingerprint(certificate), api.Fingerprint);
        Assert.EndsWith($"--coordinator-fingerprint {api.Fingerprint}", api.JoinArguments, StringComparison.Ordinal);

        using (var pinned = new HttpClient(CoordinatorTls.Handler(api.Fingerprint)) { BaseAddress = api.BaseUri, Timeout = TimeSpan.FromSeconds(30) })
        {
            Assert.True((await pinned.GetFromJsonAsync<LoadClockReading>("v1/load/clock"))!.UnixMs > 0);
        }

        using var other = CoordinatorTls.CreateCertificate(Now);
        foreach (var fingerprint in new[] { CoordinatorTls.Fingerprint(other), null })
        {
            // Another run's fingerprint, or none (the certificate is self-signed: no authority vouches for it).
            using var client = new HttpClient(CoordinatorTls.Handler(fingerprint)) { BaseAddress = api.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
            var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("v1/load/clock"));
            Assert.Contains("--coordinator-fingerprint exactly as the coordinator printed it", CoordinatorTls.CertificateRefusal(error), StringComparison.Ordinal);
        }

        // Plain HTTP to an HTTPS API gets no answer it could take for the coordinator's.
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var plainError = await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync(new UriBuilder(api.BaseUri) { Scheme = "http" }.Uri + "v1/load/clock"));
        Assert.Null(CoordinatorTls.CertificateRefusal(plainError));
    }

    [Fact]
    public async Task AWorkerAndALoadProcessWithTheWrongFingerprint_StopAtOnce_SayingWhy()
    {
        using var certificate = CoordinatorTls.CreateCertificate(Now);
        var state = new CoordinatorState(2, () => throw new InvalidOperationException("no assignment for a process that refused the coordinator"), () => 0);
        await using var runApi = await CoordinatorApi.StartAsync(state, () => 1.5, IPAddress.Loopback, 0, certificate: new ServedCertificate(certificate));
        using var book = new RemoteLoadProcesses(2, new FakeTimeProvider(Now), TextWriter.Null);
        await using var loadApi = await LoadCoordinatorApi.StartAsync(book, IPAddress.Loopback, 0, certificate: new ServedCertificate(certificate));
        using var other = CoordinatorTls.CreateCertificate(Now);
        var wrong = CoordinatorTls.Fingerprint(other);

        // Registration retries a coordinator that is not there yet for a minute or two; a refused certificate is not
        // that, so both give up at once (well inside the bound below) instead of after their retry window.
        using var workerLog = new StringWriter();
        Assert.Equal(4, await new ShardWorker(runApi.BaseUri, fingerprint: wrong).RunAsync(workerLog).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("the coordinator's TLS certificate was refused", workerLog.ToString(), StringComparison.Ordinal);
        using var processLog = new StringWriter();
        Assert.Equal(4, await new LoadProcessClient(loadApi.BaseUri, fingerprint: wrong).RunAsync(processLog).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("the coordinator's TLS certificate was refused", processLog.ToString(), StringComparison.Ordinal);
    }
}
