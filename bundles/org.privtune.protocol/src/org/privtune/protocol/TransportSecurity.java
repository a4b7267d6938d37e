package org.privtune.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS 1.3 and the shared access token of a cloud endpoint, from files: the endpoint's key and
 * certificate in a PKCS#12 key store, the device's trust in that certificate (a PEM or DER file,
 * or a PKCS#12 trust store), the token in a text file. JDK only (JSSE).
 *
 * <p>Why a pinned certificate rather than the system's CAs: an endpoint rented for one fine-tuning
 * job rarely has a public certificate; the device trusts exactly the certificate its owner handed
 * over, and checks the host name against it.
 */
public final class TransportSecurity {

    /** The only protocol offered or accepted. */
    public static final String PROTOCOL = "TLSv1.3";

    private TransportSecurity() {
    }

    /** The endpoint's context from a PKCS#12 key store holding its private key and certificate. */
    public static SSLContext server(Path keyStore, char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                ks.load(in, password);
            }
            if (!hasKey(ks)) {
                throw new IllegalArgumentException(keyStore + ": holds no private key (make one with keytool"
                        + " -genkeypair, see docs/connector.md)");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext c = SSLContext.getInstance(PROTOCOL);
            c.init(kmf.getKeyManagers(), null, null);
            return c;
        } catch (IOException e) {
            throw new IllegalArgumentException(keyStore + ": cannot read the key store (" + reason(e) + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(keyStore + ": not a usable PKCS#12 key store (" + reason(e) + ")", e);
        }
    }

    /**
     * The device's context trusting only the certificate(s) in {@code trusted}: a PEM or DER
     * certificate file, or a PKCS#12 trust store ({@code password} then opens it).
     */
    public static SSLContext client(Path trusted, char[] password) {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            String name = trusted.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            if (name.endsWith(".p12") || name.endsWith(".pfx")) {
                try (InputStream in = Files.newInputStream(trusted)) {
                    ts.load(in, password);
                }
            } else {
                ts.load(null, null);
                Collection<? extends Certificate> certs;
                try (InputStream in = Files.newInputStream(trusted)) {
                    certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
                }
                if (certs.isEmpty()) {
                    throw new IllegalArgumentException(trusted + ": no certificate in the file");
                }
                int i = 0;
                for (Certificate c : certs) {
                    ts.setCertificateEntry("trusted-" + i++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext c = SSLContext.getInstance(PROTOCOL);
            c.init(null, tmf.getTrustManagers(), null);
            return c;
        } catch (IOException e) {
            throw new IllegalArgumentException(trusted + ": cannot read the certificate (" + reason(e) + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(trusted + ": not a certificate or trust store (" + reason(e) + ")", e);
        }
    }

    /** TLS 1.3 only, and (client side) the host name checked against the certificate. */
    public static void configure(SSLSocket socket, boolean client) {
        SSLParameters p = socket.getSSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        if (client) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        socket.setSSLParameters(p);
    }

    /** The first line of a token file, trimmed; refused when empty. */
    public static String readToken(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the access token (" + reason(e) + ")", e);
        }
        String t = lines.isEmpty() ? "" : lines.get(0).trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException(file + ", line 1: the access token is empty");
        }
        return t;
    }

    /** Compares tokens in time independent of where they differ. */
    public static boolean sameToken(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                (given == null ? "" : given).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean hasKey(KeyStore ks) throws GeneralSecurityException {
        for (String alias : java.util.Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias)) {
                return true;
            }
        }
        return false;
    }

    private static String reason(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
