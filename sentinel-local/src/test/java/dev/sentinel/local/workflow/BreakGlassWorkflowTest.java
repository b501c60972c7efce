package dev.sentinel.local.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.breakglass.BreakGlassEvent;
import dev.sentinel.breakglass.BreakGlassEvent.Status;
import dev.sentinel.breakglass.BreakGlassPolicyParser;
import dev.sentinel.breakglass.BreakGlassService;
import dev.sentinel.breakglass.ReasonCode;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.RequestId;
import dev.sentinel.local.breakglass.SqliteBreakGlassStore;
import dev.sentinel.mfa.MfaDirectory;
import dev.sentinel.mfa.MfaResponse;
import dev.sentinel.mfa.SecondFactor;
import dev.sentinel.mfa.Totp;
import dev.sentinel.notify.LifecycleEvent;
import dev.sentinel.notify.WorkflowEvents;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.testing.MutableClock;
import dev.sentinel.testing.RecordingAuditSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Break-glass on the embedded store (a real SQLite file): policy, rate limits, MFA and the one-active rule. */
class BreakGlassWorkflowTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final ProfileName PROD = new ProfileName("prod-admin");
    private static final String WHY = "INC-1234: database down, on-call unreachable";
    private static final byte[] SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final String POLICY =
            """
            version: "1"
            rules:
              - name: prod-incident
                profiles: [prod-admin]
                users: [alice, bob]
                reason_codes: [incident, security]
                max_duration: 2h
                rate_limit:
                  cooldown: 30m
                  max_per_user: 2
                  window: 24h
                  escalation_threshold: 1
              - name: office-hours
                profiles: [staging]
                users: [alice]
                time: {hours: {start: "09:00", end: "17:00"}, timezone: UTC}
              - name: mfa
                profiles: [vault]
                users: [alice]
                mfa: {required: true, methods: [totp, sms]}
            """;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private final RecordingAuditSink audit = new RecordingAuditSink();
    private final List<LifecycleEvent> notified = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();
    private BreakGlassService breakGlass;

    private static CallerIdentity user(String name) {
        return CallerIdentity.fromArn("arn:aws:iam::123456789012:user/" + name);
    }

    @BeforeEach
    void open() {
        SqliteBreakGlassStore store = new SqliteBreakGlassStore(dir.resolve("state.db"));
        MfaDirectory directory = new MfaDirectory() {
            @Override
            public Optional<byte[]> totpSecret(String user) {
                return user.equals("alice") ? Optional.of(SECRET) : Optional.empty();
            }

            @Override
            public Optional<String> phone(String user) {
                return user.equals("alice") ? Optional.of("+15555550100") : Optional.empty();
            }
        };
        SecondFactor mfa = new SecondFactor(directory, store, (phone, text) -> texts.add(text), RequestId::random);
        breakGlass = new BreakGlassService(
                store,
                () -> BreakGlassPolicyParser.parse("breakglass.yaml", POLICY),
                mfa,
                new WorkflowEvents(audit, notified::add),
                clock,
                RequestId::random);
    }

    private static void refused(ThrowingCallable call, ErrorCode code, String text) {
        assertThatThrownBy(call)
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining(text)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(code);
    }

    private BreakGlassEvent invoke(String who, String profile, MfaResponse mfa) {
        return breakGlass.invoke(user(who), new ProfileName(profile), ReasonCode.INCIDENT, WHY, null, mfa);
    }

    @Test
    void usersAndProfilesThePolicyDoesNotNameAreRefused() {
        refused(() -> invoke("mallory", "prod-admin", null), ErrorCode.BREAKGLASS_NOT_ALLOWED, "mallory");
        refused(() -> invoke("alice", "billing", null), ErrorCode.BREAKGLASS_NOT_ALLOWED, "billing");
        assertThat(audit.events).isEmpty();
    }

    @Test
    void reasonCodesDurationsAndJustificationsAreChecked() {
        refused(
                () -> breakGlass.invoke(user("alice"), PROD, ReasonCode.MAINTENANCE, WHY, null, null),
                ErrorCode.BREAKGLASS_NOT_ALLOWED,
                "maintenance");
        refused(
                () -> breakGlass.invoke(user("alice"), PROD, ReasonCode.INCIDENT, WHY, Duration.ofHours(3), null),
                ErrorCode.USAGE,
                "2h");
        refused(
                () -> breakGlass.invoke(user("alice"), PROD, ReasonCode.INCIDENT, "too short", null, null),
                ErrorCode.USAGE,
                "20 to 1000");
    }

    @Test
    void anEventOpensAWindowThatIsLoggedNotifiedAndClosable() {
        BreakGlassEvent event = invoke("alice", "prod-admin", null);

        assertThat(event.status()).isEqualTo(Status.ACTIVE);
        assertThat(event.expiresAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(breakGlass.windows().activeEvent("alice", PROD, clock.instant()))
                .get()
                .isEqualTo(event);
        assertThat(audit.events).extracting(LifecycleEvent::type).containsExactly("breakglass.invoked");
        assertThat(audit.events.get(0).toJson()).contains("\"reason_code\":\"incident\"", WHY);
        assertThat(notified).extracting(LifecycleEvent::type).containsExactly("breakglass.invoked");

        refused(
                () -> breakGlass.close(user("mallory"), event.id(), "done"),
                ErrorCode.BREAKGLASS_NOT_ALLOWED,
                "mallory");
        BreakGlassEvent closed = breakGlass.close(user("bob"), event.id(), "incident resolved");

        assertThat(closed.status()).isEqualTo(Status.CLOSED);
        assertThat(closed.closedBy()).isEqualTo("bob");
        assertThat(breakGlass.windows().activeEvent("alice", PROD, clock.instant()))
                .isEmpty();
        refused(() -> breakGlass.close(user("alice"), event.id(), "again"), ErrorCode.STATE_CONFLICT, "closed");
    }

    @Test
    void oneActiveEventPerUserAndProfile() {
        BreakGlassEvent first = invoke("alice", "prod-admin", null);
        clock.advance(Duration.ofMinutes(31));

        refused(
                () -> invoke("alice", "prod-admin", null),
                ErrorCode.BREAKGLASS_ACTIVE,
                first.id().value());
    }

    @Test
    void theCooldownRefusesWithTheTimeToRetry() {
        BreakGlassEvent first = invoke("alice", "prod-admin", null);
        breakGlass.close(user("alice"), first.id(), "false alarm");
        clock.advance(Duration.ofMinutes(10));

        refused(
                () -> invoke("alice", "prod-admin", null),
                ErrorCode.RATE_LIMITED,
                "Retry after " + T0.plus(Duration.ofMinutes(30)));
    }

    @Test
    void theQuotaRefusesAndTheEscalationThresholdFlags() {
        BreakGlassEvent first = invoke("alice", "prod-admin", null);
        assertThat(first.escalated()).isFalse();
        breakGlass.close(user("alice"), first.id(), "done");
        clock.advance(Duration.ofMinutes(40));
        BreakGlassEvent second = invoke("alice", "prod-admin", null);
        assertThat(second.escalated()).isTrue();
        assertThat(audit.events).extracting(LifecycleEvent::type).contains("breakglass.escalated");
        breakGlass.close(user("alice"), second.id(), "done");
        clock.advance(Duration.ofMinutes(40));

        refused(
                () -> invoke("alice", "prod-admin", null),
                ErrorCode.RATE_LIMITED,
                "Retry after " + T0.plus(Duration.ofHours(24)));
    }

    @Test
    void theWindowIsCappedToWhatIsLeftOfTheRulesTimeWindowAndNeverBelowWhatStsAccepts() {
        clock.set(Instant.parse("2026-11-23T16:30:00Z"));
        BreakGlassEvent capped = invoke("alice", "staging", null);
        assertThat(capped.duration()).isEqualTo(Duration.ofMinutes(30));
        breakGlass.close(user("alice"), capped.id(), "done");

        clock.set(Instant.parse("2026-11-23T16:50:00Z"));
        refused(() -> invoke("alice", "staging", null), ErrorCode.DURATION_TOO_SHORT, "10 minutes");

        clock.set(Instant.parse("2026-11-23T18:00:00Z"));
        refused(() -> invoke("alice", "staging", null), ErrorCode.BREAKGLASS_NOT_ALLOWED, "09:00");
    }

    @Test
    void mfaIsRequiredWhereTheRuleSaysSo() {
        refused(() -> invoke("alice", "vault", null), ErrorCode.MFA_REQUIRED, "second factor");
        refused(() -> invoke("alice", "vault", MfaResponse.totp("000000")), ErrorCode.MFA_INVALID, "wrong");
        assertThat(breakGlass.windows().activeEvent("alice", new ProfileName("vault"), clock.instant()))
                .isEmpty();
    }

    @Test
    void aTotpCodeIsAcceptedOnce() {
        Totp totp = new Totp();
        String code = totp.code(SECRET, totp.step(clock.instant()));

        BreakGlassEvent event = invoke("alice", "vault", MfaResponse.totp(code));
        assertThat(event.mfaMethod()).isEqualTo("totp");
        breakGlass.close(user("alice"), event.id(), "done");

        refused(() -> invoke("alice", "vault", MfaResponse.totp(code)), ErrorCode.MFA_INVALID, "already used");
    }

    @Test
    void anSmsChallengeSpansTwoCommandsAndAllowsOneAttempt() {
        SentinelException sent = (SentinelException) org.assertj.core.api.Assertions.catchThrowable(
                () -> invoke("alice", "vault", MfaResponse.sendSmsCode()));
        assertThat(sent.code()).isEqualTo(ErrorCode.MFA_CHALLENGE_SENT);
        assertThat(sent.getMessage()).contains("…0100").doesNotContain("+15555550100");
        Matcher challenge = Pattern.compile("challenge ([a-z2-7]{10})").matcher(sent.getMessage());
        assertThat(challenge.find()).isTrue();
        RequestId id = new RequestId(challenge.group(1));
        Matcher code = Pattern.compile("(\\d{6})").matcher(texts.get(0));
        assertThat(code.find()).isTrue();
        assertThat(sent.getMessage()).doesNotContain(code.group(1));

        refused(
                () -> invoke(
                        "alice", "vault", MfaResponse.sms(id, "999999".equals(code.group(1)) ? "000000" : "999999")),
                ErrorCode.MFA_INVALID,
                "wrong");
        refused(
                () -> invoke("alice", "vault", MfaResponse.sms(id, code.group(1))),
                ErrorCode.MFA_INVALID,
                "already used");
    }

    @Test
    void anSmsCodeOpensTheWindowWhenRight() {
        SentinelException sent = (SentinelException) org.assertj.core.api.Assertions.catchThrowable(
                () -> invoke("alice", "vault", MfaResponse.sendSmsCode()));
        Matcher challenge = Pattern.compile("challenge ([a-z2-7]{10})").matcher(sent.getMessage());
        assertThat(challenge.find()).isTrue();
        Matcher code = Pattern.compile("(\\d{6})").matcher(texts.get(0));
        assertThat(code.find()).isTrue();

        BreakGlassEvent event =
                invoke("alice", "vault", MfaResponse.sms(new RequestId(challenge.group(1)), code.group(1)));

        assertThat(event.mfaMethod()).isEqualTo("sms");
        assertThat(audit.events.toString()).doesNotContain(code.group(1));
    }

    @Test
    void anExpiredEventGrantsNothingAndIsRecordedAsExpired() {
        BreakGlassEvent event = invoke("alice", "prod-admin", null);
        clock.advance(Duration.ofHours(1));

        assertThat(breakGlass.windows().activeEvent("alice", PROD, clock.instant()))
                .isEmpty();
        assertThat(breakGlass.check(event.id()).status()).isEqualTo(Status.EXPIRED);
        assertThat(audit.events).extracting(LifecycleEvent::type).contains("breakglass.expired");
    }
}
