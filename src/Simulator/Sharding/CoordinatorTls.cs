using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// TLS for the coordinators' APIs (<c>chatsim run --external-workers</c>, <c>chatsim load --external-processes</c>): a
/// coordinator listening beyond loopback (or given <c>--coordinator-tls</c>) serves HTTPS with a certificate it makes
/// for the run, and prints its SHA-256 fingerprint in the command each process is started with
/// (<c>--coordinator-fingerprint</c>). A process accepts the coordinator's certificate only when it has that
/// fingerprint, so the shared secret, the run's arguments (a token command included) and the uploads cross the network
/// encrypted, to the coordinator that printed the command and no one else — with no certificate authority to set up.
/// </summary>
public static class CoordinatorTls
{
    public const string FingerprintOption = "--coordinator-fingerprint";

    /// <summary>How long the run's certificate is valid: longer than any run's bounds, short enough not to matter if it leaks.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(7);

    /// <summary>Whether an API on <paramref name="listen"/> serves HTTPS: beyond loopback always, on loopback when <paramref name="forced"/>.</summary>
    public static bool IsOn(IPAddress listen, bool forced)
    {
        ArgumentNullException.ThrowIfNull(listen);
        return forced || !IPAddress.IsLoopback(listen);
    }

    /// <summary>
    /// The certificate an API on <paramref name="listen"/> serves: the user's own when <paramref name="files"/> name one
    /// (TLS then on wherever it listens; its password from <see cref="CoordinatorCertificateFiles.PasswordVariable"/>),
    /// else one made for the run at <paramref name="now"/> when <see cref="IsOn"/>; null: plain HTTP.
    /// </summary>
    public static ServedCertificate? CertificateFor(IPAddress listen, bool forced, DateTimeOffset now, CoordinatorCertificateFiles? files = null) =>
        files is not null ? files.Load(now)
        : IsOn(listen, forced) ? new ServedCertificate(CreateCertificate(now))
        : null;

    /// <summary>A self-signed certificate (ECDSA P-256) for this run's API, valid from a minute before <paramref name="now"/> for <see cref="Validity"/>.</summary>
    public static X509Certificate2 CreateCertificate(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=chatsim coordinator", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // server authentication
        using var created = request.CreateSelfSigned(now.AddMinutes(-1), now.Add(Validity));
        // Through PKCS#12 so the private key is one the platform's TLS stack can use (an ephemeral key is not, on Windows).
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>The certificate's SHA-256 fingerprint, as printed: 64 upper-case hex digits.</summary>
    public static string Fingerprint(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

    /// <summary>
    /// <paramref name="text"/> as a fingerprint (hex digits, colons and case as a user may copy them from another tool);
    /// throws <see cref="FormatException"/> naming the problem.
    /// </summary>
    public static string ParseFingerprint(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hex = text.Replace(":", "", StringComparison.Ordinal).Trim().ToUpperInvariant();
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            throw new FormatException($"'{text}' is not a SHA-256 fingerprint (64 hex digits, as the coordinator prints it)");
        }

        return hex;
    }

    /// <summary>The arguments a process is started with to join: <c>--coordinator URL</c>, and <c>--coordinator-fingerprint</c> when there is one.</summary>
    public static string JoinArguments(Uri baseUri, string? fingerprint)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        return fingerprint is null ? $"--coordinator {baseUri}" : $"--coordinator {baseUri} {FingerprintOption} {fingerprint}";
    }

    /// <summary>
    /// The handler a process reaches its coordinator with: with <paramref name="fingerprint"/>, an HTTPS coordinator is
    /// accepted only when its certificate has it (whatever its name or issuer); without, the platform's usual checks apply.
    /// </summary>
    public static SocketsHttpHandler Handler(string? fingerprint)
    {
        var handler = new SocketsHttpHandler();
        if (fingerprint is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && Fingerprint(certificate) == fingerprint,
            };
        }

        return handler;
    }

    /// <summary>
    /// The refusal when <paramref name="error"/> was the coordinator's certificate failing this process's check (no retry
    /// changes that, so a registration stops at once); null for any other failure.
    /// </summary>
    public static string? CertificateRefusal(HttpRequestException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.InnerException is AuthenticationException
            ? $"the coordinator's TLS certificate was refused ({error.InnerException.Message}): pass {FingerprintOption} exactly as the coordinator printed it for this run (it is new for every run)"
            : null;
    }
}
