using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ChatResilience.Simulator.Cli;
using ChatResilience.Simulator.Load;
using ChatResilience.Simulator.Load.Sharded.Remote;
using ChatResilience.Simulator.Sharding;
using Microsoft.Extensions.Time.Testing;

namespace ChatResilience.Simulator.Tests.Sharding;

/// <summary>
/// A certificate of the user's own for the coordinators' APIs (<c>--coordinator-cert</c>): PEM or PKCS#12 read with a
/// clear refusal for every way a file can be wrong, served instead of the run's own, named on the command lines.
/// </summary>
public sealed class CoordinatorCertificateFilesTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Directory.CreateTempSubdirectory("chatsim-coordinator-cert-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A certificate as a team's authority might issue one (RSA here; the run's own is ECDSA), holding its key, and the key.</summary>
    private static (X509Certificate2 Certificate, RSA Key) Issue(DateTimeOffset from, DateTimeOffset to)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=coordinator.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return (request.CreateSelfSigned(from, to), key);
    }

    [Fact]
    public void Load_PemWithItsKeyBesideIt_OrInTheSameFile_OrEncrypted_ServesThatCertificateWithItsKey()
    {
        var (issued, key) = Issue(Now.AddDays(-1), Now.AddDays(30));
        using (issued)
        using (key)
        {
            var certificatePem = issued.ExportCertificatePem();
            var keyPem = key.ExportPkcs8PrivateKeyPem();
            var apart = new CoordinatorCertificateFiles(Write("cert.pem", certificatePem), Write("key.pem", keyPem));
            var together = new CoordinatorCertificateFiles(Write("both.pem", certificatePem + "\n" + keyPem), null);
            var encryptedKey = key.ExportEncryptedPkcs8PrivateKeyPem("s3cret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
            var encrypted = new CoordinatorCertificateFiles(Write("cert2.pem", certificatePem), Write("key2.pem", encryptedKey));

            foreach (var (files, password) in new[] { (apart, (string?)null), (together, null), (encrypted, "s3cret") })
            {
                using var loaded = files.Load(Now, password);
                Assert.True(loaded.HasPrivateKey);
                Assert.Equal(CoordinatorTls.Fingerprint(issued), CoordinatorTls.Fingerprint(loaded));
            }
        }
    }

    [Fact]
    public void Load_Pkcs12_OpensWithThePasswordAndOnlyWithIt()
    {
        var (issued, key) = Issue(Now.AddDays(-1), Now.AddDays(30));
        using (issued)
        using (key)
        {
            var path = Path.Combine(_dir, "coordinator.pfx");
            File.WriteAllBytes(path, issued.Export(X509ContentType.Pkcs12, "s3cret"));
            var files = new CoordinatorCertificateFiles(path, null);

            using (var loaded = files.Load(Now, "s3cret"))
            {
                Assert.True(loaded.HasPrivateKey);
                Assert.Equal(CoordinatorTls.Fingerprint(issued), CoordinatorTls.Fingerprint(loaded));
            }

            Assert.StartsWith($"--coordinator-cert: cannot load {path}:", Assert.Throws<CliException>(() => files.Load(Now, "wrong")).Message, StringComparison.Ordinal);
            // Without a password the refusal says where one goes (never the command line).
            Assert.EndsWith($"(a password-protected file needs {CoordinatorCertificateFiles.PasswordVariable})", Assert.Throws<CliException>(() => files.Load(Now, null)).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_AFileThatCannotServe_IsRefusedSayingWhy()
    {
        var (issued, key) = Issue(Now.AddDays(-1), Now.AddDays(30));
        var (expired, expiredKey) = Issue(Now.AddDays(-60), Now.AddDays(-30));
        using var otherKey = RSA.Create(2048);
        using (issued)
        using (key)
        using (expired)
        using (expiredKey)
        {
            var certificatePem = Write("cert.pem", issued.ExportCertificatePem());
            var missing = Path.Combine(_dir, "nowhere.pem");

            Assert.StartsWith($"--coordinator-cert: cannot load {missing}:", Assert.Throws<CliException>(() => new CoordinatorCertificateFiles(missing, null).Load(Now, null)).Message, StringComparison.Ordinal);
            // A certificate alone has no key to serve with; a key of another certificate does not fit it.
            Assert.StartsWith($"--coordinator-cert: cannot load {certificatePem}:", Assert.Throws<CliException>(() => new CoordinatorCertificateFiles(certificatePem, null).Load(Now, null)).Message, StringComparison.Ordinal);
            var wrongKey = Write("other.pem", otherKey.ExportPkcs8PrivateKeyPem());
            Assert.StartsWith($"--coordinator-cert: cannot load {certificatePem} with the key in {wrongKey}:", Assert.Throws<CliException>(() => new CoordinatorCertificateFiles(certificatePem, wrongKey).Load(Now, null)).Message, StringComparison.Ordinal);
            Assert.StartsWith("--coordinator-cert: cannot load", Assert.Throws<CliException>(() => new CoordinatorCertificateFiles(Write("junk.pem", "not a certificate"), null).Load(Now, null)).Message, StringComparison.Ordinal);

            // A PKCS#12 file without the key.
            var bare = Path.Combine(_dir, "bare.p12");
            using (var publicOnly = X509CertificateLoader.LoadCertificate(issued.RawData))
            {
                File.WriteAllBytes(bare, publicOnly.Export(X509ContentType.Pkcs12));
            }

            Assert.Equal($"--coordinator-cert: {bare} has no private key (give the key in the same PEM file, in --coordinator-key, or use a PKCS#12 file that holds it)", Assert.Throws<CliException>(() => new CoordinatorCertificateFiles(bare, null).Load(Now, null)).Message);

            var old = new CoordinatorCertificateFiles(Write("old.pem", expired.ExportCertificatePem()), Write("old-key.pem", expiredKey.ExportPkcs8PrivateKeyPem()));
            Assert.Matches(@"^--coordinator-cert: .*old\.pem is valid from 2026-09-29 12:00:00Z to 2026-10-29 12:00:00Z, not now \(2026-11-28 12:00:00Z\)$", Assert.Throws<CliException>(() => old.Load(Now, null)).Message);
        }
    }

    [Fact]
    public void FromOptions_AKeyNeedsAPemCertificate()
    {
        Assert.Null(CoordinatorCertificateFiles.FromOptions(null, null));
        Assert.Equal(new CoordinatorCertificateFiles("c.pem", "k.pem"), CoordinatorCertificateFiles.FromOptions("c.pem", "k.pem"));
        Assert.Equal("--coordinator-key: only with --coordinator-cert", Assert.Throws<CliException>(() => CoordinatorCertificateFiles.FromOptions(null, "k.pem")).Message);
        Assert.Equal("--coordinator-key: not with a PKCS#12 certificate (c.PFX holds its own key)", Assert.Throws<CliException>(() => CoordinatorCertificateFiles.FromOptions("c.PFX", "k.pem")).Message);
    }

    [Fact]
    public async Task AnApiGivenTheFiles_ServesThatCertificate_EvenOnLoopback_AndItsFingerprintIsTheJoinArgument()
    {
        var (issued, key) = Issue(Now.AddDays(-1), Now.AddDays(30));
        using (issued)
        using (key)
        {
            var files = new CoordinatorCertificateFiles(Write("cert.pem", issued.ExportCertificatePem()), Write("key.pem", key.ExportPkcs8PrivateKeyPem()));
            using var certificate = CoordinatorTls.CertificateFor(IPAddress.Loopback, forced: false, Now, files);
            using var book = new RemoteLoadProcesses(2, new FakeTimeProvider(Now), TextWriter.Null);
            await using var api = await LoadCoordinatorApi.StartAsync(book, IPAddress.Loopback, 0, certificate: certificate);

            Assert.Equal("https", api.BaseUri.Scheme);
            Assert.Equal(CoordinatorTls.Fingerprint(issued), api.Fingerprint);
            using var pinned = new HttpClient(CoordinatorTls.Handler(api.Fingerprint)) { BaseAddress = api.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
            Assert.True((await pinned.GetFromJsonAsync<LoadClockReading>("v1/load/clock"))!.UnixMs > 0);
        }
    }

    [Fact]
    public void Options_ParseForRunAndLoad_AndTheLoadRepeatCommandNamesTheFiles()
    {
        var run = CliParser.ParseRun(["s.json", "--external-workers", "2", "--coordinator-cert", "/etc/chatsim/cert.pem", "--coordinator-key", "/etc/chatsim/key.pem"]);
        Assert.Equal(new CoordinatorCertificateFiles("/etc/chatsim/cert.pem", "/etc/chatsim/key.pem"), run.CoordinatorCertificate);

        var load = LoadArguments.Parse(["s.json", "--external-processes", "2", "--coordinator-cert", "/my certs/coordinator.pfx"]);
        Assert.Equal(new CoordinatorCertificateFiles("/my certs/coordinator.pfx", null), load.CoordinatorCertificate);
        Assert.EndsWith("--external-processes 2 --coordinator-cert \"/my certs/coordinator.pfx\"", load.RepeatCommand(1), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "load", "s.json", "--coordinator-cert", "c.pem" }, "--coordinator-cert: only with --external-processes")]
    [InlineData(new[] { "load", "s.json", "--external-processes", "2", "--coordinator-key", "k.pem" }, "--coordinator-key: only with --coordinator-cert")]
    [InlineData(new[] { "run", "s.json", "--coordinator-key", "k.pem" }, "--coordinator-key: only with --coordinator-cert")]
    public async Task BadOptions_Exit64NamingThem(string[] args, string message)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(64, await ChatSimApp.MainAsync(args, output, error));
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAndLoad_ACertificateForAOneProcessRun_OrOneThatCannotLoad_Exit64BeforeAnythingStarts()
    {
        var scenario = RepoPaths.Scenario("flaky-mobile.json");
        var missing = Path.Combine(_dir, "missing.pem");
        foreach (var (args, message) in new[]
        {
            (new[] { "run", scenario, "--coordinator-cert", missing }, "--coordinator-cert: only for a sharded run"),
            (new[] { "run", scenario, "--workers", "2", "--coordinator-cert", missing }, $"--coordinator-cert: cannot load {missing}"),
            (new[] { "load", RepoPaths.Scenario("load-ramp.json"), "--external-processes", "2", "--coordinator-cert", missing }, $"--coordinator-cert: cannot load {missing}"),
        })
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            Assert.Equal(64, await ChatSimApp.MainAsync(args, output, error).WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        }
    }
}
