using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ChatResilience.Simulator.Cli;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// A certificate of the user's own for a coordinator's API (<c>--coordinator-cert PATH [--coordinator-key PATH]</c>),
/// served instead of the one made for the run (<see cref="CoordinatorTls"/>): one a certificate authority issued for the
/// coordinator's name, so processes may check it the platform's way (no <c>--coordinator-fingerprint</c>), or one a team
/// keeps so the fingerprint its machines pin stays the same from run to run. PEM (the certificate, with its key in the same
/// file or in <c>--coordinator-key</c>) or PKCS#12 (<c>.pfx</c>/<c>.p12</c>). A password (PKCS#12, or an encrypted PEM key)
/// comes from <see cref="PasswordVariable"/>, never the command line: <c>ps</c> and a run's repeat command show that.
/// </summary>
/// <param name="CertificatePath">The certificate file.</param>
/// <param name="KeyPath">The PEM private key's file, when not in the certificate's; null for PKCS#12.</param>
public sealed record CoordinatorCertificateFiles(string CertificatePath, string? KeyPath)
{
    public const string CertificateOption = "--coordinator-cert";
    public const string KeyOption = "--coordinator-key";

    /// <summary>The environment variable holding the certificate's (or the key's) password, when it has one.</summary>
    public const string PasswordVariable = "CHATSIM_COORDINATOR_CERT_PASSWORD";

    /// <summary>The options as parsed: null without <c>--coordinator-cert</c>; a <see cref="CliException"/> for a key without a certificate, or a key beside a PKCS#12 file.</summary>
    public static CoordinatorCertificateFiles? FromOptions(string? certificatePath, string? keyPath)
    {
        if (certificatePath is null)
        {
            return keyPath is null ? null : throw new CliException($"{KeyOption}: only with {CertificateOption}");
        }

        if (keyPath is not null && IsPkcs12(certificatePath))
        {
            throw new CliException($"{KeyOption}: not with a PKCS#12 certificate ({certificatePath} holds its own key)");
        }

        return new CoordinatorCertificateFiles(certificatePath, keyPath);
    }

    /// <summary>The options that name these files again (a run's repeat command; never the password).</summary>
    public IEnumerable<string> Options() =>
        KeyPath is null ? [CertificateOption, CertificatePath] : [CertificateOption, CertificatePath, KeyOption, KeyPath];

    /// <summary><see cref="Load(DateTimeOffset, string?)"/> with the password from <see cref="PasswordVariable"/>.</summary>
    public ServedCertificate Load(DateTimeOffset now) => Load(now, Environment.GetEnvironmentVariable(PasswordVariable));

    /// <summary>
    /// The certificate with its private key, ready to serve, and the file's other certificates as the chain sent with it
    /// (a PEM file's after the first, in their order; a PKCS#12 file's without a key); a <see cref="CliException"/> saying
    /// what is wrong when a file cannot be read or parsed, the password does not open it, it has no private key, or it is
    /// not valid at <paramref name="now"/>.
    /// </summary>
    public ServedCertificate Load(DateTimeOffset now, string? password)
    {
        X509Certificate2 certificate;
        X509Certificate2Collection chain;
        try
        {
            (certificate, chain) = IsPkcs12(CertificatePath) ? LoadPkcs12(password) : LoadPem(password);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            var secret = password is null ? $" (a password-protected file needs {PasswordVariable})" : "";
            throw new CliException($"{CertificateOption}: cannot load {Describe()}: {e.Message}{secret}");
        }

        var problem = !certificate.HasPrivateKey
            ? $"{CertificatePath} has no private key (give the key in the same PEM file, in {KeyOption}, or use a PKCS#12 file that holds it)"
            : now.UtcDateTime < certificate.NotBefore.ToUniversalTime() || now.UtcDateTime > certificate.NotAfter.ToUniversalTime()
                ? $"{CertificatePath} is valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}, not now ({now.UtcDateTime:u})"
                : null;
        var served = new ServedCertificate(certificate, chain);
        if (problem is not null)
        {
            served.Dispose();
            throw new CliException($"{CertificateOption}: {problem}");
        }

        return served;
    }

    private (X509Certificate2 Certificate, X509Certificate2Collection Chain) LoadPem(string? password)
    {
        using var pem = password is null
            ? X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(CertificatePath, password, KeyPath);
        // Through PKCS#12, as the run's own certificate is: a key read from PEM is ephemeral, which the platform's TLS
        // stack cannot use everywhere (Windows).
        var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(CertificatePath); // certificates only: a key block in the same file is skipped
        return (certificate, Without(all, certificate));
    }

    private (X509Certificate2 Certificate, X509Certificate2Collection Chain) LoadPkcs12(string? password)
    {
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, password);
        return (certificate, Without(X509CertificateLoader.LoadPkcs12CollectionFromFile(CertificatePath, password), certificate));
    }

    /// <summary><paramref name="all"/> in their order without <paramref name="served"/> (disposed when left out).</summary>
    private static X509Certificate2Collection Without(X509Certificate2Collection all, X509Certificate2 served)
    {
        var chain = new X509Certificate2Collection();
        foreach (var certificate in all)
        {
            if (certificate.RawDataMemory.Span.SequenceEqual(served.RawDataMemory.Span))
            {
                certificate.Dispose();
            }
            else
            {
                chain.Add(certificate);
            }
        }

        return chain;
    }

    private string Describe() => KeyPath is null ? CertificatePath : $"{CertificatePath} with the key in {KeyPath}";

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
}
