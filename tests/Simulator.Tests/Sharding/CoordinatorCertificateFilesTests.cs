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
                Assert.True(loaded.Certificate.HasPrivateKey);
                Assert.Equal(CoordinatorTls.Fingerprint(issued), loaded.Fingerprint);
                Assert.Empty(loaded.Chain);
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
                Assert.True(loaded.Certificate.HasPrivateKey);
                Assert.Equal(CoordinatorTls.Fingerprint(issued), loaded.Fingerprint);
                Assert.Empty(loaded.Chain);
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

    /// <summary>
    /// A root, an intermediate it signed, and a server certificate for 127.0.0.1 the intermediate signed (with its key):
    /// a chain as a public authority's, whose root a machine trusts and whose intermediate it does not hold.
    /// </summary>
    private static (X509Certificate2 Root, X509Certificate2 Intermediate, X509Certificate2 Leaf) IssueChain()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var root = rootRequest.CreateSelfSigned(Now.AddDays(-2), Now.AddYears(1));

        var intermediateRequest = new CertificateRequest("CN=Test Intermediate", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var intermediatePublic = intermediateRequest.Create(root, Now.AddDays(-1), Now.AddMonths(6), [1]);
        var intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);

        var leafRequest = new CertificateRequest("CN=127.0.0.1", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        using var leafPublic = leafRequest.Create(intermediate, Now.AddHours(-1), Now.AddMonths(3), [2]);
        return (root, intermediate, leafPublic.CopyWithPrivateKey(leafKey));
    }

    [Fact]
    public void Load_TheFilesOtherCertificates_AreTheChainSentAfterTheServedOne()
    {
        var (root, intermediate, leaf) = IssueChain();
        using (root)
        using (intermediate)
        using (leaf)
        {
            // A fullchain.pem (the served certificate first, then its issuer) with the key apart, or all in one file.
            var keyPem = leaf.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();
            var fullChain = leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem();
            var apart = new CoordinatorCertificateFiles(Write("fullchain.pem", fullChain), Write("privkey.pem", keyPem));
            var together = new CoordinatorCertificateFiles(Write("all.pem", fullChain + "\n" + keyPem), null);

            // A PKCS#12 file with the served certificate's key and the intermediate beside it.
            var pfx = Path.Combine(_dir, "chain.pfx");
            using (var publicIntermediate = X509CertificateLoader.LoadCertificate(intermediate.RawData))
            {
                File.WriteAllBytes(pfx, new X509Certificate2Collection { leaf, publicIntermediate }.Export(X509ContentType.Pkcs12, "s3cret")!);
            }

            foreach (var (files, password) in new[] { (apart, (string?)null), (together, null), (new CoordinatorCertificateFiles(pfx, null), "s3cret") })
            {
                using var loaded = files.Load(Now, password);
                Assert.Equal(CoordinatorTls.Fingerprint(leaf), loaded.Fingerprint);
                Assert.True(loaded.Certificate.HasPrivateKey);
                Assert.Equal([CoordinatorTls.Fingerprint(intermediate)], loaded.Chain.Select(CoordinatorTls.Fingerprint));
            }
        }
    }

    [Fact]
    public async Task AnApiGivenAFullChain_SendsTheIntermediate_SoAProcessTrustingOnlyTheRootAcceptsIt()
    {
        var (root, intermediate, leaf) = IssueChain();
        using (root)
        using (intermediate)
        using (leaf)
        {
            var keyPem = Write("privkey.pem", leaf.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            var fullChain = new CoordinatorCertificateFiles(Write("fullchain.pem", leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem()), keyPem);
            var leafOnly = new CoordinatorCertificateFiles(Write("cert.pem", leaf.ExportCertificatePem()), keyPem);

            // Checked the platform's way against a store that holds the root and nothing else (no fingerprint pinned, no
            // download of missing issuers): only a server that sends the intermediate can be chained to the root. The
            // leaf alone is the control that shows this check can refuse.
            foreach (var (files, accepted) in new[] { (fullChain, true), (leafOnly, false) })
            {
                using var served = files.Load(Now, password: null);
                using var book = new RemoteLoadProcesses(2, new FakeTimeProvider(Now), TextWriter.Null);
                await using var api = await LoadCoordinatorApi.StartAsync(book, IPAddress.Loopback, 0, certificate: served);
                var policy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                    DisableCertificateDownloads = true,
                };
                policy.CustomTrustStore.Add(root);
                using var handler = new SocketsHttpHandler { SslOptions = { CertificateChainPolicy = policy } };
                using var client = new HttpClient(handler) { BaseAddress = api.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
                if (accepted)
                {
                    Assert.True((await client.GetFromJsonAsync<LoadClockReading>("v1/load/clock"))!.UnixMs > 0);
                }
                else
                {
                    await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("v1/load/clock"));
                }
            }
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
