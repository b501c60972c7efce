package dev.sentinel.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LambdaConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put(LambdaConfig.REGISTRY_PARAMETER, "/sentinel/tvm/profiles");
        env.put(LambdaConfig.SESSION_TABLE, "sentinel-sessions");
        env.put(LambdaConfig.RATE_LIMIT_TABLE, "sentinel-rate-limits");
        env.put("PATH", "/usr/bin");
        return env;
    }

    private static String problems(Map<String, String> env) {
        try {
            LambdaConfig.from(env);
        } catch (SentinelException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
            return e.getMessage();
        }
        throw new AssertionError("accepted");
    }

    @Test
    void theThreeRequiredSettingsAreEnoughAndTheRestHaveDefaults() {
        LambdaConfig config = LambdaConfig.from(minimal());

        assertThat(config.policyPrefix).isEqualTo("/sentinel/policies");
        assertThat(config.cacheTtl).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.rate.limit()).isEqualTo(100);
        assertThat(config.rate.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.signingKey).isNull();
        assertThat(config.logKey()).isEmpty();
        assertThat(config.approvals).isNull();
        assertThat(config.breakGlass).isNull();
    }

    @Test
    void readsEverySetting() {
        Map<String, String> env = minimal();
        env.put(LambdaConfig.POLICY_PREFIX, "/team/policies");
        env.put(LambdaConfig.CACHE_TTL, "0s");
        env.put(LambdaConfig.SIGNING_KEY, "kms:alias/sentinel-policy");
        env.put(LambdaConfig.RATE_LIMIT_REQUESTS, "20");
        env.put(LambdaConfig.RATE_LIMIT_WINDOW, "10s");
        env.put(LambdaConfig.LOG_KEY, "ab".repeat(32));
        env.put(LambdaConfig.APPROVAL_TABLE, "sentinel-requests");
        env.put(LambdaConfig.APPROVAL_POLICY_PARAMETER, "/sentinel/workflows/approvals");
        env.put(LambdaConfig.BREAKGLASS_TABLE, "sentinel-breakglass");
        env.put(LambdaConfig.BREAKGLASS_POLICY_PARAMETER, "/sentinel/workflows/breakglass");

        LambdaConfig config = LambdaConfig.from(env);

        assertThat(config.policyPrefix).isEqualTo("/team/policies");
        assertThat(config.cacheTtl).isZero();
        assertThat(config.signingKey).isEqualTo("alias/sentinel-policy");
        assertThat(config.rate).hasToString("20 per 10s");
        assertThat(config.logKey()).get().satisfies(key -> assertThat(key).hasSize(32));
        assertThat(config.approvals)
                .isEqualTo(new LambdaConfig.Workflow("sentinel-requests", "/sentinel/workflows/approvals"));
        assertThat(config.breakGlass)
                .isEqualTo(new LambdaConfig.Workflow("sentinel-breakglass", "/sentinel/workflows/breakglass"));
    }

    @Test
    void aWorkflowNeedsBothItsTableAndItsPolicy() {
        Map<String, String> env = minimal();
        env.put(LambdaConfig.APPROVAL_TABLE, "sentinel-requests");
        env.put(LambdaConfig.BREAKGLASS_POLICY_PARAMETER, "sentinel/breakglass");

        assertThat(problems(env))
                .contains(
                        "approvals need both SENTINEL_APPROVAL_TABLE",
                        LambdaConfig.APPROVAL_POLICY_PARAMETER + " is missing",
                        "break-glass need both",
                        LambdaConfig.BREAKGLASS_TABLE + " is missing");
        env.put(LambdaConfig.BREAKGLASS_TABLE, "sentinel-breakglass");
        env.remove(LambdaConfig.APPROVAL_TABLE);
        assertThat(problems(env))
                .contains(LambdaConfig.BREAKGLASS_POLICY_PARAMETER + " must be a parameter name starting with '/'")
                .doesNotContain("approvals");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        Map<String, String> env = new HashMap<>();
        env.put("SENTINEL_SESION_TABLE", "x");
        env.put(LambdaConfig.CACHE_TTL, "10 minutes");
        env.put(LambdaConfig.RATE_LIMIT_REQUESTS, "0");
        env.put(LambdaConfig.SIGNING_KEY, "alias/x");
        env.put(LambdaConfig.LOG_KEY, "abcd");
        env.put(LambdaConfig.POLICY_PREFIX, "sentinel/");

        assertThat(problems(env))
                .contains(
                        "unknown setting SENTINEL_SESION_TABLE (did you mean SENTINEL_SESSION_TABLE?)",
                        LambdaConfig.REGISTRY_PARAMETER + " is required",
                        LambdaConfig.SESSION_TABLE + " is required",
                        LambdaConfig.RATE_LIMIT_TABLE + " is required",
                        "'10 minutes' is not a duration",
                        "1 to 1000 requests",
                        "kms:<key id",
                        "at least 32 bytes",
                        "must start with '/'");
    }

    @Test
    void aLongCacheIsRefusedSoPolicyChangesArriveSoon() {
        Map<String, String> env = minimal();
        env.put(LambdaConfig.CACHE_TTL, "1h");

        assertThat(problems(env)).contains("at most 5m");
    }

    @Test
    void theLogKeyIsNeverShownAndIsCopiedOnEveryRead() {
        Map<String, String> env = minimal();
        env.put(LambdaConfig.LOG_KEY, "cd".repeat(32));
        LambdaConfig config = LambdaConfig.from(env);

        config.logKey().orElseThrow()[0] = 0;

        assertThat(config.logKey().orElseThrow()[0]).isEqualTo((byte) 0xcd);
        assertThat(config.toString()).doesNotContain("cdcd");
        assertThatThrownBy(() -> LambdaConfig.from(Map.of(LambdaConfig.LOG_KEY, "zz")))
                .hasMessageContaining("must be hex digits");
    }
}
