package org.privtune.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Makes what a cloud endpoint needs for {@code --tls} and {@code --token-file}: a PKCS#12 key store
 * with a fresh EC key and a self-signed certificate for its host name (by the JDK's own
 * {@code keytool}, which comes with every Java runtime), that certificate as PEM for the devices,
 * and a random access token. The key store and the token are made readable by their owner only.
 */
public final class EndpointKeys {

    /** The three files, in one folder. */
    public record Generated(Path keyStore, Path certificate, Path token) {
    }

    private EndpointKeys() {
    }

    /**
     * Writes {@code cloud.p12}, {@code cloud.pem} and {@code token.txt} into {@code dir}; refuses when
     * any of them exists.
     *
     * @param host     the name (or IP address) devices will connect to; it goes into the certificate
     * @param password of the key store, at least 6 characters (keytool's rule)
     * @param days     validity of the certificate
     */
    public static Generated generate(Path dir, String host, char[] password, int days) throws IOException {
        if (host == null || host.isBlank() || host.contains(",") || host.contains(" ")) {
            throw new IllegalArgumentException("host: '" + host + "' is not a host name or address");
        }
        if (password.length < 6) {
            throw new IllegalArgumentException("password: keytool needs at least 6 characters");
        }
        Generated f = new Generated(dir.resolve("cloud.p12"), dir.resolve("cloud.pem"), dir.resolve("token.txt"));
        for (Path p : List.of(f.keyStore(), f.certificate(), f.token())) {
            if (Files.exists(p)) {
                throw new IllegalArgumentException(p + ": exists; choose another folder (nothing was written)");
            }
        }
        Files.createDirectories(dir);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IllegalArgumentException(keytool + ": not found in this Java runtime");
        }
        boolean ip = host.matches("[0-9.]+") || host.contains(":");
        String pass = new String(password);
        try {
            run(pass, keytool.toString(), "-genkeypair", "-alias", "cloud", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=" + host, "-ext", "san=" + (ip ? "ip:" : "dns:") + host, "-validity",
                    Integer.toString(days), "-storetype", "PKCS12", "-keystore", f.keyStore().toString(),
                    "-storepass:env", "PRIVTUNE_KEYTOOL_PASS", "-keypass:env", "PRIVTUNE_KEYTOOL_PASS");
            run(pass, keytool.toString(), "-exportcert", "-rfc", "-alias", "cloud", "-keystore", f.keyStore().toString(),
                    "-storepass:env", "PRIVTUNE_KEYTOOL_PASS", "-file", f.certificate().toString());
            ownerOnly(f.keyStore());
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            if (posix()) { // created private, before the secret is in it
                Files.createFile(f.token(), PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            Files.writeString(f.token(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            for (Path p : List.of(f.keyStore(), f.certificate(), f.token())) {
                Files.deleteIfExists(p); // all three or none
            }
            throw e;
        }
        return f;
    }

    private static final java.util.Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** The key store and the token are readable by their owner only (where the file system says so). */
    private static void ownerOnly(Path p) throws IOException {
        if (posix()) {
            Files.setPosixFilePermissions(p, OWNER_ONLY);
        }
    }

    /** Runs keytool; the password reaches it through its environment, not its command line (visible in ps). */
    private static void run(String password, String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PRIVTUNE_KEYTOOL_PASS", password);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
    }
}
