using System.Security.Cryptography.X509Certificates;

namespace ChatResilience.Simulator.Sharding;

/// <summary>
/// The certificate a coordinator's API serves, with the intermediate certificates it sends beside it. A process that
/// checks the coordinator the platform's way (no <c>--coordinator-fingerprint</c>) must build a chain from the served
/// certificate to a root it trusts; TLS servers send the intermediates for that, and a machine's store rarely holds
/// them. A <c>fullchain.pem</c> (what ACME clients such as certbot write) or a PKCS#12 file with its chain carries them.
/// </summary>
public sealed class ServedCertificate : IDisposable
{
    /// <param name="certificate">The certificate served, with its private key.</param>
    /// <param name="chain">Certificates sent after it (intermediates, in the order given); none by default.</param>
    public ServedCertificate(X509Certificate2 certificate, X509Certificate2Collection? chain = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Certificate = certificate;
        Chain = chain ?? [];
    }

    /// <summary>The certificate served, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificates sent after <see cref="Certificate"/>: its issuer first, as TLS expects.</summary>
    public X509Certificate2Collection Chain { get; }

    /// <summary>The served certificate's SHA-256 fingerprint (<see cref="CoordinatorTls.Fingerprint"/>).</summary>
    public string Fingerprint => CoordinatorTls.Fingerprint(Certificate);

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var certificate in Chain)
        {
            certificate.Dispose();
        }
    }
}
