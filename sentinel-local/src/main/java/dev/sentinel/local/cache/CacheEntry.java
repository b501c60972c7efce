package dev.sentinel.local.cache;

import static java.util.Objects.requireNonNull;

import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.SourceIdentity;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Properties;

/**
 * What the cache keeps for one profile and set of base credentials: the caller identity AWS reported
 * (and when), and optionally the credentials last issued. Holds secrets, so it is never printed; it is
 * stored only encrypted.
 */
final class CacheEntry {
    final CallerIdentity identity;
    final Instant identityResolvedAt;
    final IssuedCredentials issued;

    CacheEntry(CallerIdentity identity, Instant identityResolvedAt, IssuedCredentials issued) {
        this.identity = requireNonNull(identity, "identity is null");
        this.identityResolvedAt = requireNonNull(identityResolvedAt, "identityResolvedAt is null");
        this.issued = issued;
    }

    byte[] serialize() {
        Properties p = new Properties();
        p.setProperty("identity.arn", identity.arn());
        p.setProperty("identity.resolved_at", identityResolvedAt.toString());
        if (issued != null) {
            AwsCredentials c = issued.credentials();
            p.setProperty("credentials.access_key_id", c.accessKeyId());
            p.setProperty("credentials.secret_access_key", c.secretAccessKey());
            p.setProperty("credentials.session_token", c.sessionToken());
            p.setProperty("credentials.expiration", c.expiration().toString());
            if (issued.sourceIdentity() != null) {
                p.setProperty(
                        "credentials.source_identity", issued.sourceIdentity().format());
            }
            if (issued.roleArn() != null) {
                p.setProperty("credentials.role_arn", issued.roleArn());
            }
        }
        StringWriter out = new StringWriter();
        try {
            p.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reads an entry; null when the bytes are not a complete entry. */
    static CacheEntry deserialize(byte[] bytes) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
            CallerIdentity identity = CallerIdentity.fromArn(p.getProperty("identity.arn"));
            Instant resolvedAt = Instant.parse(p.getProperty("identity.resolved_at"));
            IssuedCredentials issued = null;
            String keyId = p.getProperty("credentials.access_key_id");
            if (keyId != null) {
                AwsCredentials credentials = new AwsCredentials(
                        keyId,
                        p.getProperty("credentials.secret_access_key"),
                        p.getProperty("credentials.session_token"),
                        Instant.parse(p.getProperty("credentials.expiration")));
                SourceIdentity stamp = SourceIdentity.parse(p.getProperty("credentials.source_identity"))
                        .orElse(null);
                issued = new IssuedCredentials(credentials, stamp, p.getProperty("credentials.role_arn"), true);
            }
            return new CacheEntry(identity, resolvedAt, issued);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
