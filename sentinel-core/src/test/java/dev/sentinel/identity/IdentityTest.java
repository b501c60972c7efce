package dev.sentinel.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityTest {
    private static final Pattern STS = Pattern.compile("[\\w+=,.@-]{2,64}");

    @ParameterizedTest
    @CsvSource({
        "arn:aws:iam::123456789012:user/alice, IAM_USER, alice",
        "arn:aws:iam::123456789012:user/division/team/alice, IAM_USER, alice",
        "arn:aws:sts::123456789012:assumed-role/SSO-Dev/alice@example.com, ASSUMED_ROLE, alice@example.com",
        "arn:aws:sts::123456789012:federated-user/bob, FEDERATED_USER, bob",
        "arn:aws:iam::123456789012:root, ROOT, root",
        "arn:aws-cn:iam::123456789012:user/li, IAM_USER, li",
        "arn:aws-us-gov:sts::123456789012:assumed-role/Ops/gov.user, ASSUMED_ROLE, gov.user",
        "arn:aws-iso-b:iam::123456789012:user/x_y, IAM_USER, x_y",
    })
    void derivesTheUserFromEveryArnKind(String arn, PrincipalType type, String user) {
        CallerIdentity identity = CallerIdentity.fromArn(arn);
        assertThat(identity.type()).isEqualTo(type);
        assertThat(identity.user()).isEqualTo(user);
        assertThat(identity.accountId()).isEqualTo("123456789012");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "arn:aws:iam::123456789012:role/Admin",
                "arn:aws:iam::12345678901:user/alice",
                "arn:aws:sts::123456789012:assumed-role/OnlyRole",
                "arn:aws:sts::123456789012:user/alice",
                "arn:aws:iam::123456789012:user/",
                "not an arn",
                "arn:aws:iam::123456789012:root/extra",
            })
    void refusesArnsThatNameNoCaller(String arn) {
        assertThatThrownBy(() -> CallerIdentity.fromArn(arn))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.IDENTITY_INVALID);
    }

    @Test
    void sourceIdentityRoundTripsForEveryGrant() {
        RequestId id = RequestId.random();
        for (Grant grant :
                new Grant[] {Grant.DIRECT, Grant.approval(RequestId.random()), Grant.breakGlass(RequestId.random())}) {
            SourceIdentity stamp = SourceIdentity.of("first.last@example.com", grant, id);
            String text = stamp.format();
            assertThat(text)
                    .startsWith("sentinel.first.last@example.com.")
                    .matches(STS)
                    .doesNotContain(":");
            assertThat(SourceIdentity.parse(text)).contains(stamp);
        }
        assertThat(SourceIdentity.of("alice", Grant.DIRECT, new RequestId("abcdefghij"))
                        .format())
                .isEqualTo("sentinel.alice.d.abcdefghij");
    }

    @Test
    void longUsersAreShortenedDeterministicallyAndStayDistinct() {
        String a = "a-very-long-session-name-from-the-identity-provider-1";
        String b = "a-very-long-session-name-from-the-identity-provider-2";
        String shortA = SourceIdentity.stampableUser(a);
        assertThat(shortA).hasSize(SourceIdentity.MAX_USER).startsWith(a.substring(0, 26) + "-");
        assertThat(SourceIdentity.stampableUser(a)).isEqualTo(shortA);
        assertThat(SourceIdentity.stampableUser(b)).isNotEqualTo(shortA);
    }

    @Test
    void charactersStsRejectsAreReplaced() {
        assertThat(SourceIdentity.stampableUser("jörg smith:admin")).matches("j-rg-smith-admin-[0-9a-f]{5}");
    }

    @Test
    void namesThatDifferOnlyInReplacedCharactersStayDistinct() {
        assertThat(SourceIdentity.stampableUser("josé")).isNotEqualTo(SourceIdentity.stampableUser("josè"));
        assertThat(SourceIdentity.stampableUser("josé")).startsWith("jos--");
    }

    @Test
    void everyGeneratedValueMatchesTheStsPattern() {
        Random random = new Random(42);
        String alphabet = "abcXYZ019_+=,.@-: /äß漢\u0000\t";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder user = new StringBuilder();
            int length = 1 + random.nextInt(70);
            for (int j = 0; j < length; j++) {
                user.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Grant grant =
                    switch (random.nextInt(3)) {
                        case 0 -> Grant.DIRECT;
                        case 1 -> Grant.approval(RequestId.random(random));
                        default -> Grant.breakGlass(RequestId.random(random));
                    };
            String stamp = SourceIdentity.of(user.toString(), grant, RequestId.random(random))
                    .format();
            assertThat(stamp).matches(STS).doesNotContain(":");
            assertThat(SourceIdentity.parse(stamp)).isPresent();
        }
    }

    @Test
    void parseRejectsStringsThatAreNotSentinelStamps() {
        for (String text : new String[] {
            "",
            "alice",
            "sentinel:alice:direct:abcd1234",
            "sentinel.alice.x.abcdefghij",
            "sentinel.alice.d.ABCDEFGHIJ",
            "sentinel..d.abcdefghij",
            "sentinel.alice.d",
            "sentinel.alice.a.abcdefghij"
        }) {
            assertThat(SourceIdentity.parse(text)).as(text).isEmpty();
        }
    }

    @Test
    void requestIdsAreRandomAndWellFormed() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestId.random().value();
            assertThat(id).matches("[a-z2-7]{10}");
            seen.add(id);
        }
        assertThat(seen).hasSize(10_000);
        assertThatThrownBy(() -> new RequestId("short")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestId("ABCDEFGHIJ")).isInstanceOf(IllegalArgumentException.class);
    }
}
