package org.privtune.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.privtune.protocol.EndpointKeys;

/** {@code cloud-keys}: the key, certificate and access token of a cloud endpoint, in one folder. */
final class CloudKeysCommand implements CliCommand {

    @Override
    public String name() {
        return "cloud-keys";
    }

    @Override
    public String summary() {
        return "make the TLS key, certificate and access token of a cloud endpoint";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "./privtune cloud-keys --host <name or address devices connect to> --out <folder> [--days 365]",
                "  Writes cloud.p12 (EC key and self-signed certificate, password from $"
                        + CloudCommand.TLS_PASSWORD_ENV + ", at least 6 characters),",
                "  cloud.pem (the certificate, for the devices' --cloud-cert) and token.txt (a random access",
                "  token, for --token-file here and --cloud-token-file on the devices; hand it over privately).",
                "  Refuses to overwrite any of them.");
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parse(args, Set.of("host", "out", "days"), Set.of());
        String host = o.require("host");
        Path dir = Path.of(o.require("out"));
        int days = o.getInt("days", 365);
        if (days < 1) {
            throw new UsageException("--days must be >= 1, got " + days);
        }
        char[] password = CloudCommand.password();
        if (password.length == 0) {
            throw new UsageException("set " + CloudCommand.TLS_PASSWORD_ENV + " to the key store's password (at least"
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
