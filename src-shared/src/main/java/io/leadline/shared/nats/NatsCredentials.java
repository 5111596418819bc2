package io.leadline.shared.nats;

import io.nats.client.Options;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/** Who a service is on NATS and how it reaches the server: user and password, reply prefix, TLS. */
public final class NatsCredentials {

    private NatsCredentials() {
    }

    static void apply(NatsConfig config, Options.Builder options) {
        if (config.password().isPresent() && config.passwordFile().isPresent()) {
            throw new IllegalArgumentException("set leadline.nats.password or leadline.nats.password-file, not both");
        }
        config.username().ifPresent(user -> {
            String password = config.password().orElseGet(() -> config.passwordFile().map(NatsCredentials::read)
                    .orElseThrow(() -> new IllegalArgumentException("leadline.nats.username " + user
                            + " needs leadline.nats.password-file (or leadline.nats.password)")));
            options.userInfo(user, password);
        });
        config.inboxPrefix().or(() -> config.username().map(NatsCredentials::inboxPrefixOf))
                .ifPresent(options::inboxPrefix);
        config.tlsCaFile().ifPresent(ca -> options.sslContext(trusting(ca)));
    }

    /** The reply-subject prefix of a user: {@code _INBOX_leads}. */
    public static String inboxPrefixOf(String user) {
        return "_INBOX_" + user;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the NATS password file " + file, e);
        }
    }

    /** TLS that trusts the certificates in a PEM file (the platform's CA), and only them. */
    public static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new IllegalArgumentException("no certificate in " + caFile);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the NATS CA file " + caFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the NATS CA file " + caFile, e);
        }
    }
}
