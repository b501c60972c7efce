package dev.sentinel.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sentinel.testing.RecordingCredentialIssuer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DecisionEntryTest {
    private static final Instant TIME = Instant.parse("2024-05-06T07:08:09Z");

    @Test
    void writesEveryFieldInAFixedOrder() {
        DecisionEntry entry = new DecisionEntry(
                TIME,
                "k3v7q2m6xa",
                DecisionEntry.ISSUED,
                "prod",
                "cli",
                "alice",
                "arn:aws:iam::123456789012:user/alice",
                "allow",
                "admins",
                2,
                "rule 'admins' (allow)",
                null,
                "sentinel.alice.d.k3v7q2m6xa",
                "arn:aws:iam::123456789012:role/admin",
                Instant.parse("2024-05-06T08:08:09Z"),
                false,
                "policy.yaml",
                "ab".repeat(32),
                "abcdefgh23",
                null);

        assertThat(entry.toJson())
                .isEqualTo("{\"type\":\"decision\",\"time\":\"2024-05-06T07:08:09Z\","
                        + "\"decision_id\":\"k3v7q2m6xa\",\"outcome\":\"issued\",\"profile\":\"prod\",\"mode\":\"cli\","
                        + "\"user\":\"alice\",\"principal_arn\":\"arn:aws:iam::123456789012:user/alice\",\"effect\":\"allow\","
                        + "\"rule\":\"admins\",\"rule_index\":2,\"reason\":\"rule 'admins' (allow)\","
                        + "\"source_identity\":\"sentinel.alice.d.k3v7q2m6xa\",\"role_arn\":\"arn:aws:iam::123456789012:role/admin\","
                        + "\"expiration\":\"2024-05-06T08:08:09Z\",\"cached\":false,\"policy_source\":\"policy.yaml\","
                        + "\"policy_sha256\":\"" + "ab".repeat(32) + "\",\"session\":\"abcdefgh23\"}");
    }

    @Test
    void leavesOutFieldsThatDoNotApply() {
        DecisionEntry entry = new DecisionEntry(
                TIME,
                "k3v7q2m6xa",
                DecisionEntry.REFUSED,
                "prod",
                "server",
                null,
                null,
                null,
                null,
                null,
                "Policy could not be loaded",
                "POLICY_NOT_FOUND",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);

        assertThat(entry.toJson())
                .isEqualTo("{\"type\":\"decision\",\"time\":\"2024-05-06T07:08:09Z\","
                        + "\"decision_id\":\"k3v7q2m6xa\",\"outcome\":\"refused\",\"profile\":\"prod\",\"mode\":\"server\","
                        + "\"reason\":\"Policy could not be loaded\",\"code\":\"POLICY_NOT_FOUND\"}");
    }

    @Test
    void reasonWithNewlinesStaysOnOneLogLine() {
        DecisionEntry entry = new DecisionEntry(
                TIME,
                "k3v7q2m6xa",
                DecisionEntry.REFUSED,
                "prod",
                "cli",
                null,
                null,
                null,
                null,
                null,
                "line one\nline two\u2028\"quoted\"",
                "INTERNAL_ERROR",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);

        assertThat(entry.toJson()).doesNotContain("\n", "\u2028").contains("line one\\nline two\\u2028\\\"quoted\\\"");
    }

    @Test
    void sealedEntryAuthenticates() {
        DecisionEntry entry = new DecisionEntry(
                TIME,
                "k3v7q2m6xa",
                DecisionEntry.ISSUED,
                "prod",
                "cli",
                "alice",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                true,
                null,
                null,
                null,
                null);
        LogChain chain = new LogChain(LogChainTest.KEY);

        String line = chain.seal(1, LogChain.GENESIS, entry.toJson());

        assertThat(chain.authenticate(line)).isNotNull();
        assertThat(line).contains("\"cached\":true");
    }

    @Test
    void neverContainsSecretsOfTheCredentialsItDescribes() {
        DecisionEntry entry = new DecisionEntry(
                TIME,
                "k3v7q2m6xa",
                DecisionEntry.ISSUED,
                "prod",
                "cli",
                "alice",
                "arn:aws:iam::123456789012:user/alice",
                "allow",
                "admins",
                0,
                "ok",
                null,
                "sentinel.alice.d.k3v7q2m6xa",
                RecordingCredentialIssuer.ROLE_ARN,
                RecordingCredentialIssuer.credentials().expiration(),
                false,
                "p",
                "h",
                null,
                null);

        assertThat(entry.toJson())
                .doesNotContain(
                        RecordingCredentialIssuer.ACCESS_KEY_ID,
                        RecordingCredentialIssuer.SECRET_ACCESS_KEY,
                        RecordingCredentialIssuer.SESSION_TOKEN);
        assertThat(entry.toString())
                .doesNotContain(RecordingCredentialIssuer.SECRET_ACCESS_KEY, RecordingCredentialIssuer.SESSION_TOKEN);
    }

    @Test
    void credentialsNeverPrintTheirSecrets() {
        String printed = RecordingCredentialIssuer.credentials().toString();

        assertThat(printed)
                .contains(RecordingCredentialIssuer.ACCESS_KEY_ID)
                .doesNotContain(RecordingCredentialIssuer.SECRET_ACCESS_KEY, RecordingCredentialIssuer.SESSION_TOKEN);
    }

    private static DecisionEntry outcome(String outcome, Boolean cached) {
        return new DecisionEntry(
                TIME,
                "k3v7q2m6xa",
                outcome,
                "prod",
                "server",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                cached,
                null,
                null,
                null,
                null);
    }

    @Test
    void onlyCredentialsHandedOutAgainMayWaitForTheirSync() {
        assertThat(outcome(DecisionEntry.ISSUED, true).syncAtOnce()).isFalse();
        assertThat(outcome(DecisionEntry.ISSUED, false).syncAtOnce()).isTrue();
        assertThat(outcome(DecisionEntry.REFUSED, null).syncAtOnce()).isTrue();
        assertThat(outcome(DecisionEntry.DRY_RUN, null).syncAtOnce()).isTrue();
    }
}
