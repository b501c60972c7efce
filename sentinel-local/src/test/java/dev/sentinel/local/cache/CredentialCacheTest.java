package dev.sentinel.local.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.credentials.IssueRequest;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.Grant;
import dev.sentinel.identity.IdentityResolver;
import dev.sentinel.identity.RequestId;
import dev.sentinel.identity.SourceIdentity;
import dev.sentinel.policy.ProfileName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialCacheTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final ProfileName PROD = new ProfileName("prod");
    private static final CallerIdentity ALICE = CallerIdentity.fromArn("arn:aws:iam::123456789012:user/alice");
    private static final CallerIdentity BOB = CallerIdentity.fromArn("arn:aws:iam::123456789012:user/bob");
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final AtomicInteger stsCalls = new AtomicInteger();
    private final AtomicInteger identityCalls = new AtomicInteger();
    private String fingerprint = "alice-keys";

    private CredentialCache cache() {
        return new CredentialCache(dir, KEY, profile -> fingerprint);
    }

    private final CredentialIssuer sts = request -> {
        stsCalls.incrementAndGet();
        Instant expires = now.get().plus(request.maxDuration() != null ? request.maxDuration() : Duration.ofHours(1));
        return new IssuedCredentials(
                new AwsCredentials(
                        "ASIA" + stsCalls.get(), "secret-" + stsCalls.get(), "token-" + stsCalls.get(), expires),
                request.sourceIdentity(),
                "arn:aws:iam::123456789012:role/prod",
                false);
    };

    private CachingCredentialIssuer issuer() {
        return new CachingCredentialIssuer(cache(), () -> sts, Duration.ofMinutes(15), clock);
    }

    private static IssueRequest request(CallerIdentity caller, Duration max) {
        return new IssueRequest(PROD, caller, SourceIdentity.of(caller.user(), Grant.DIRECT, RequestId.random()), max);
    }

    @Test
    void reusesCredentialsUntilTheRefreshMargin() {
        IssuedCredentials first = issuer().issue(request(ALICE, null));
        assertThat(first.cached()).isFalse();
        now.set(T0.plus(Duration.ofMinutes(44)));
        IssuedCredentials again = issuer().issue(request(ALICE, null));
        assertThat(again.cached()).isTrue();
        assertThat(again.credentials().accessKeyId())
                .isEqualTo(first.credentials().accessKeyId());
        assertThat(again.sourceIdentity()).isEqualTo(first.sourceIdentity());
        assertThat(stsCalls).hasValue(1);

        now.set(T0.plus(Duration.ofMinutes(45)));
        assertThat(issuer().issue(request(ALICE, null)).cached()).isFalse();
        assertThat(stsCalls).hasValue(2);
    }

    @Test
    void credentialsIssuedUnderOneGrantAreNeverReusedUnderAnother() {
        IssuedCredentials direct = issuer().issue(request(ALICE, null));
        IssueRequest approved = new IssueRequest(
                PROD,
                ALICE,
                SourceIdentity.of("alice", Grant.approval(new RequestId("aaaaaaaaaa")), RequestId.random()),
                null);

        IssuedCredentials underApproval = issuer().issue(approved);

        assertThat(underApproval.cached()).isFalse();
        assertThat(underApproval.credentials().accessKeyId())
                .isNotEqualTo(direct.credentials().accessKeyId());
        assertThat(underApproval.sourceIdentity().grant())
                .isEqualTo(approved.sourceIdentity().grant());
        assertThat(issuer().issue(approved).cached()).isTrue();
    }

    @Test
    void neverHandsOneCallersCredentialsToAnother() {
        issuer().issue(request(ALICE, null));
        IssuedCredentials forBob = issuer().issue(request(BOB, null));
        assertThat(forBob.cached()).isFalse();
        assertThat(stsCalls).hasValue(2);
    }

    @Test
    void differentBaseCredentialsUseDifferentEntries() {
        issuer().issue(request(ALICE, null));
        fingerprint = "other-keys";
        assertThat(issuer().issue(request(ALICE, null)).cached()).isFalse();
    }

    @Test
    void refetchesWhenThePolicyNowAllowsAShorterLifetime() {
        issuer().issue(request(ALICE, Duration.ofHours(1)));
        IssuedCredentials capped = issuer().issue(request(ALICE, Duration.ofMinutes(30)));
        assertThat(capped.cached()).isFalse();
        assertThat(capped.credentials().expiration()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    }

    @Test
    void discardDropsTheCredentialsButKeepsTheIdentity() {
        issuer().issue(request(ALICE, null));
        issuer().discard(PROD, ALICE);
        assertThat(issuer().issue(request(ALICE, null)).cached()).isFalse();
        CachingIdentityResolver resolver = identityResolver(ALICE);
        resolver.resolve(PROD);
        assertThat(identityCalls).hasValue(0);
    }

    @Test
    void storesNoSecretInTheClearAndOwnerOnly() throws IOException {
        issuer().issue(request(ALICE, null));
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".bin")).toList()) {
                String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertThat(raw)
                        .doesNotContain("secret-1")
                        .doesNotContain("token-1")
                        .doesNotContain("alice");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                        .isEqualTo("rw-------");
            }
        }
    }

    @Test
    void aTamperedEntryIsIgnored() throws IOException {
        issuer().issue(request(ALICE, null));
        try (var files = Files.list(dir)) {
            Path entry =
                    files.filter(p -> p.toString().endsWith(".bin")).findFirst().orElseThrow();
            byte[] bytes = Files.readAllBytes(entry);
            bytes[bytes.length - 5] ^= 1;
            Files.write(entry, bytes);
        }
        assertThat(issuer().issue(request(ALICE, null)).cached()).isFalse();
        assertThat(stsCalls).hasValue(2);
    }

    @Test
    void anEntryMovedToAnotherNameIsIgnored() throws IOException {
        issuer().issue(request(ALICE, null));
        Path aliceEntry;
        try (var files = Files.list(dir)) {
            aliceEntry =
                    files.filter(p -> p.toString().endsWith(".bin")).findFirst().orElseThrow();
        }
        fingerprint = "mallory-keys";
        CredentialCache cache = cache();
        Files.copy(aliceEntry, dir.resolve(cache.nameFor(PROD) + ".bin"));
        assertThat(cache.read(cache.nameFor(PROD))).isNull();
    }

    @Test
    void identityIsCachedForItsTtlAndAFutureEntryIsStale() {
        CachingIdentityResolver resolver = identityResolver(ALICE);
        assertThat(resolver.resolve(PROD)).isEqualTo(ALICE);
        assertThat(resolver.resolve(PROD)).isEqualTo(ALICE);
        assertThat(identityCalls).hasValue(1);
        now.set(T0.plus(Duration.ofHours(1)));
        resolver.resolve(PROD);
        assertThat(identityCalls).hasValue(2);
        now.set(T0.minus(Duration.ofMinutes(5)));
        resolver.resolve(PROD);
        assertThat(identityCalls).hasValue(3);
    }

    @Test
    void identityFailuresAreNotCached() {
        IdentityResolver failing = profile -> {
            identityCalls.incrementAndGet();
            throw new SentinelException(ErrorCode.AWS_UNREACHABLE, "down", "");
        };
        CachingIdentityResolver resolver =
                new CachingIdentityResolver(cache(), () -> failing, Duration.ofHours(1), clock);
        assertThatThrownBy(() -> resolver.resolve(PROD)).isInstanceOf(SentinelException.class);
        assertThatThrownBy(() -> resolver.resolve(PROD)).isInstanceOf(SentinelException.class);
        assertThat(identityCalls).hasValue(2);
    }

    @Test
    void theDelegateIsNotCreatedOnAHit() {
        issuer().issue(request(ALICE, null));
        CachingCredentialIssuer noSdk = new CachingCredentialIssuer(
                cache(),
                () -> {
                    throw new AssertionError("the STS issuer must not be built when the cache can answer");
                },
                Duration.ofMinutes(15),
                clock);
        assertThat(noSdk.issue(request(ALICE, null)).cached()).isTrue();
    }

    @Test
    void concurrentCallersFetchOnce() throws Exception {
        CredentialIssuer slowSts = request -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return sts.issue(request);
        };
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<IssuedCredentials>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(() -> new CachingCredentialIssuer(cache(), () -> slowSts, Duration.ofMinutes(15), clock)
                    .issue(request(ALICE, null)));
        }
        List<String> keys = new ArrayList<>();
        for (Future<IssuedCredentials> f : pool.invokeAll(calls)) {
            keys.add(f.get().credentials().accessKeyId());
        }
        pool.shutdown();
        assertThat(stsCalls).hasValue(1);
        assertThat(keys).containsOnly("ASIA1");
    }

    private CachingIdentityResolver identityResolver(CallerIdentity who) {
        IdentityResolver sts = profile -> {
            identityCalls.incrementAndGet();
            return who;
        };
        return new CachingIdentityResolver(cache(), () -> sts, Duration.ofHours(1), clock);
    }
}
