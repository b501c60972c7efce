package dev.sentinel.local.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCachedPolicySourceTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final ProfileName PROD = new ProfileName("prod");

    @TempDir
    Path dir;

    private final AtomicInteger fetches = new AtomicInteger();
    private String remoteText = "version: \"1\"\nrules:\n  - name: first\n    effect: allow\n";
    private final PolicySource remote = profile -> {
        fetches.incrementAndGet();
        return LoadedPolicy.parse("ssm:/sentinel/policies/" + profile, remoteText);
    };

    private DiskCachedPolicySource at(Instant now, Duration ttl) {
        return new DiskCachedPolicySource(remote, dir, ttl, KEY, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void reusesAFetchedPolicyWithinTheTtlAndRefetchesAfter() {
        Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
        LoadedPolicy first = at(t0, Duration.ofMinutes(5)).load(PROD);
        remoteText = remoteText.replace("first", "second");
        LoadedPolicy cached = at(t0.plusSeconds(299), Duration.ofMinutes(5)).load(PROD);
        assertThat(fetches).hasValue(1);
        assertThat(cached.sha256()).isEqualTo(first.sha256());
        assertThat(cached.source()).isEqualTo("ssm:/sentinel/policies/prod");

        LoadedPolicy refreshed = at(t0.plusSeconds(300), Duration.ofMinutes(5)).load(PROD);
        assertThat(fetches).hasValue(2);
        assertThat(refreshed.policy().rules().get(0).name()).isEqualTo("second");
    }

    @Test
    void ignoresACopyEditedOnDisk() throws IOException {
        Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
        at(t0, Duration.ofMinutes(5)).load(PROD);
        try (var files = Files.list(dir)) {
            Path copy = files.filter(p -> p.toString().endsWith(".policy"))
                    .findFirst()
                    .orElseThrow();
            Files.writeString(copy, Files.readString(copy).replace("effect: allow", "effect: deny"));
        }
        LoadedPolicy loaded = at(t0.plusSeconds(1), Duration.ofMinutes(5)).load(PROD);
        assertThat(fetches).hasValue(2);
        assertThat(loaded.policy().rules().get(0).effect().yamlName()).isEqualTo("allow");
    }

    @Test
    void treatsACopyFromTheFutureAsStale() {
        Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
        at(t0, Duration.ofMinutes(5)).load(PROD);
        at(t0.minusSeconds(60), Duration.ofMinutes(5)).load(PROD);
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aZeroTtlAlwaysFetches() {
        Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
        at(t0, Duration.ZERO).load(PROD);
        at(t0, Duration.ZERO).load(PROD);
        assertThat(fetches).hasValue(2);
    }
}
