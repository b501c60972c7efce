package dev.sentinel.local.policy;

import static java.util.Objects.requireNonNull;

import dev.sentinel.crypto.Primitives;
import dev.sentinel.local.home.PrivateFiles;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps a remote policy (for example from SSM) on disk for a short time, so that a credential_process
 * call within the TTL does not reach AWS for it. The copy is MAC'd with a local key, re-validated on
 * every use, and ignored (refetched) when it is stale, damaged or forged. A TTL of zero disables it.
 */
public final class DiskCachedPolicySource implements PolicySource {
    private final PolicySource delegate;
    private final Path directory;
    private final Duration ttl;
    private final SecretKeySpec key;
    private final Clock clock;

    public DiskCachedPolicySource(PolicySource delegate, Path directory, Duration ttl, byte[] macKey, Clock clock) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.ttl = requireNonNull(ttl, "ttl is null");
        this.key = new SecretKeySpec(macKey.clone(), "HmacSHA256");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public LoadedPolicy load(ProfileName profile) {
        if (ttl.isZero()) {
            return delegate.load(profile);
        }
        Path file = directory.resolve(LoadedPolicy.sha256Hex(profile.value()) + ".policy");
        LoadedPolicy cached = readFresh(file, profile);
        if (cached != null) {
            return cached;
        }
        LoadedPolicy loaded = delegate.load(profile);
        write(file, profile, loaded);
        return loaded;
    }

    /** Format: MAC line, fetched-at line, source line, then the policy text. */
    private LoadedPolicy readFresh(Path file, ProfileName profile) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
        int first = content.indexOf('\n');
        if (first < 0) {
            return null;
        }
        String mac = content.substring(0, first);
        String body = content.substring(first + 1);
        if (!MessageDigest.isEqual(
                mac.getBytes(StandardCharsets.US_ASCII), mac(profile, body).getBytes(StandardCharsets.US_ASCII))) {
            return null;
        }
        int second = body.indexOf('\n');
        int third = body.indexOf('\n', second + 1);
        if (second < 0 || third < 0) {
            return null;
        }
        Instant fetchedAt;
        try {
            fetchedAt = Instant.parse(body.substring(0, second));
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
        Instant now = clock.instant();
        if (now.isBefore(fetchedAt) || !now.isBefore(fetchedAt.plus(ttl))) {
            return null;
        }
        return LoadedPolicy.parse(body.substring(second + 1, third), body.substring(third + 1));
    }

    private void write(Path file, ProfileName profile, LoadedPolicy loaded) {
        if (loaded.source().indexOf('\n') >= 0) {
            return;
        }
        String body = clock.instant() + "\n" + loaded.source() + "\n" + loaded.text();
        PrivateFiles.write(file, (mac(profile, body) + "\n" + body).getBytes(StandardCharsets.UTF_8));
    }

    private String mac(ProfileName profile, String body) {
        try {
            Mac mac = Primitives.hmacSha256();
            mac.init(key);
            mac.update(profile.value().getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
