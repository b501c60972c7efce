package dev.sentinel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.policy.ProfileName;
import dev.sentinel.yaml.InvalidDocumentException;
import dev.sentinel.yaml.Problem;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileRegistryParserTest {
    private static List<Problem> problems(String yaml) {
        try {
            ProfileRegistryParser.parse("profiles.yaml", yaml);
        } catch (InvalidDocumentException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
            return e.problems();
        }
        throw new AssertionError("the registry was accepted");
    }

    @Test
    void mapsProfileNamesToRolesSortedByName() {
        ProfileRegistry registry = ProfileRegistryParser.parse(
                "profiles.yaml",
                """
                version: "1"
                profiles:
                  prod-role:
                    role_arn: arn:aws:iam::123456789012:role/app-prod
                    duration: 30m
                    description: production, through approvals
                  dev-role:
                    role_arn: arn:aws:iam::123456789012:role/path/app-dev
                """);

        assertThat(registry.source()).isEqualTo("profiles.yaml");
        assertThat(registry.profiles()).extracting(p -> p.name().value()).containsExactly("dev-role", "prod-role");
        assertThat(registry.find(new ProfileName("prod-role"))).get().satisfies(p -> {
            assertThat(p.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/app-prod");
            assertThat(p.duration()).isEqualTo(Duration.ofMinutes(30));
        });
        assertThat(registry.find(new ProfileName("dev-role")).orElseThrow().duration())
                .isNull();
        assertThat(registry.find(new ProfileName("other"))).isEmpty();
    }

    @Test
    void aRoleArnIsNeverAProfileName() {
        List<Problem> problems = problems(
                """
                version: "1"
                profiles:
                  "arn:aws:iam::123456789012:role/app-prod":
                    role_arn: arn:aws:iam::123456789012:role/app-prod
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).contains("is a role ARN");
        });
    }

    @Test
    void reportsEveryProblemWithItsLine() {
        List<Problem> problems = problems(
                """
                version: "1"
                profiles:
                  dev-role:
                    rolearn: arn:aws:iam::123456789012:role/app-dev
                  prod-role:
                    role_arn: arn:aws:iam::1234:role/app-prod
                  long-role:
                    role_arn: arn:aws:iam::123456789012:role/app-long
                    duration: 13h
                  "bad name!":
                    role_arn: arn:aws:iam::123456789012:role/x
                """);

        assertThat(problems).extracting(Problem::line).containsExactlyInAnyOrder(4, 4, 6, 9, 10);
        assertThat(problems)
                .anySatisfy(p -> assertThat(p.hint()).contains("did you mean 'role_arn'"))
                .anySatisfy(p -> assertThat(p.message()).contains("has no role_arn"))
                .anySatisfy(p -> assertThat(p.message()).contains("is not an IAM role ARN"))
                .anySatisfy(p -> assertThat(p.message()).contains("13h is outside 15m to 12h"))
                .anySatisfy(p -> assertThat(p.message()).contains("not a usable AWS profile name"));
    }

    @Test
    void refusesARegistryWithoutVersionOrProfiles() {
        assertThat(problems("profiles:\n  a:\n    role_arn: arn:aws:iam::123456789012:role/a\n"))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("no 'version'"));
        assertThat(problems("version: \"1\"\n")).singleElement().satisfies(p -> assertThat(p.message())
                .contains("no 'profiles'"));
        assertThat(problems("version: \"1\"\nprofiles: {}\n")).singleElement().satisfies(p -> assertThat(p.message())
                .contains("must map each profile name"));
        assertThat(problems("version: \"2\"\nprofiles:\n  a:\n    role_arn: arn:aws:iam::123456789012:role/a\n"))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("unsupported"));
        assertThat(problems("- a\n- b\n")).isNotEmpty();
        assertThat(problems("")).isNotEmpty();
    }

    @Test
    void aRegisteredProfileNeedsARoleArn() {
        assertThatThrownBy(() -> new RegisteredProfile(new ProfileName("a"), "arn:aws:iam::123456789012:user/a", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ProfileRegistry.isRoleArn("arn:aws-us-gov:iam::123456789012:role/a"))
                .isTrue();
        assertThat(ProfileRegistry.isRoleArn("arn:aws:sts::123456789012:assumed-role/a/b"))
                .isFalse();
    }
}
