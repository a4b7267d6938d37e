package org.privtune.cli;

import java.nio.file.Path;

import org.privtune.protocol.EndpointKeys;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cloud-keys}: the key, certificate and access token of a cloud endpoint, in one folder. */
@Command(name = "cloud-keys", description = {
        "Make the TLS key, certificate and access token of a cloud endpoint.",
        "Writes cloud.p12 (EC key and self-signed certificate, password from $" + CloudCommand.TLS_PASSWORD_ENV
                + ", at least 6 characters), cloud.pem (the certificate, for the devices' --cloud-cert) and"
                + " token.txt (a random access token, for --token-file here and --cloud-token-file on the devices;"
                + " hand it over privately). Refuses to overwrite any of them." })
final class CloudKeysCommand extends CliCommand {

    @Option(names = "--host", required = true, paramLabel = "<name or address>",
            description = "The host name or address devices connect to (the certificate's subject).")
    String host;

    @Option(names = "--out", required = true, paramLabel = "<folder>", description = "Where the three files go.")
    Path dir;

    @Option(names = "--days", paramLabel = "<n>", converter = OptionTypes.Positive.class, description = "The certificate's validity.")
    int days = 365;

    @Override
    public Integer call() throws Exception {
        char[] password = CloudCommand.password();
        if (password.length == 0) {
            throw usage("set " + CloudCommand.TLS_PASSWORD_ENV + " to the key store's password (at least"
                    + " 6 characters); ./privtune cloud --tls reads it from there too");
        }
        EndpointKeys.Generated g = CloudCommand.file("out", () -> {
            try {
                return EndpointKeys.generate(dir, host, password, days);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(dir + ": " + e.getMessage(), e);
            }
        });
        out.println("key store   " + g.keyStore().toAbsolutePath() + "   (stays on the cloud machine)");
        out.println("certificate " + g.certificate().toAbsolutePath() + "   (give to the devices)");
        out.println("token       " + g.token().toAbsolutePath() + "   (give to the devices privately)");
        out.println("next: " + CloudCommand.TLS_PASSWORD_ENV + "=... ./privtune cloud --bind 0.0.0.0 --tls " + g.keyStore()
                + " --token-file " + g.token());
        out.println("      ./privtune train ... --cloud " + host + ":" + CloudCommand.DEFAULT_PORT + " --cloud-cert "
                + g.certificate().getFileName() + " --cloud-token-file " + g.token().getFileName());
        return 0;
    }
}
