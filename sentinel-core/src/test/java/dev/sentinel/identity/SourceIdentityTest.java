package dev.sentinel.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceIdentityTest {
    /** AWS's documented pattern for SourceIdentity, written out so the test does not trust the code under test. */
    private static final Pattern AWS_SOURCE_IDENTITY = Pattern.compile("[A-Za-z0-9_+=,.@-]{2,64}");

    private static final RequestId ID = new RequestId("k3v7q2m6xa");
    private static final RequestId REFERENCE = new RequestId("abcdefgh23");

    @Test
    void formatsUserGrantAndRequestId() {
        assertThat(SourceIdentity.of("alice", Grant.DIRECT, ID).format()).isEqualTo("sentinel.alice.d.k3v7q2m6xa");
        assertThat(SourceIdentity.of("alice", Grant.approval(REFERENCE), ID).format())
                .isEqualTo("sentinel.alice.aabcdefgh23.k3v7q2m6xa");
        assertThat(SourceIdentity.of("alice", Grant.breakGlass(REFERENCE), ID).format())
                .isEqualTo("sentinel.alice.babcdefgh23.k3v7q2m6xa");
        assertThat(SourceIdentity.of("alice", Grant.DIRECT, ID)).hasToString("sentinel.alice.d.k3v7q2m6xa");
    }

    @Test
    void parsesBackEveryGrantKind() {
        for (Grant grant : List.of(Grant.DIRECT, Grant.approval(REFERENCE), Grant.breakGlass(REFERENCE))) {
            SourceIdentity stamp = SourceIdentity.of("alice", grant, ID);

            Optional<SourceIdentity> parsed = SourceIdentity.parse(stamp.format());

            assertThat(parsed).contains(stamp);
            assertThat(parsed.get().grant().kind()).isEqualTo(grant.kind());
            assertThat(parsed.get().grant().reference()).isEqualTo(grant.reference());
        }
    }

    @Test
    void parsesUsersContainingDots() {
        for (String user :
                List.of("alice.smith", "a.b.c.d", ".leading", "trailing.", "a.d.k3v7q2m6xa", "x.aabcdefgh23")) {
            SourceIdentity stamp = SourceIdentity.of(user, Grant.approval(REFERENCE), ID);

            assertThat(SourceIdentity.parse(stamp.format())).as(user).contains(stamp);
            assertThat(stamp.user()).isEqualTo(user);
        }
    }

    @Test
    void keepsUsersUpToThirtyTwoCharacters() {
        String user = "u".repeat(SourceIdentity.MAX_USER);

        assertThat(SourceIdentity.of(user, Grant.DIRECT, ID).user()).isEqualTo(user);
    }

    @Test
    void shortensLongUsersDeterministicallyWithHashSuffix() {
        String user = "firstname.lastname.department@example.com";

        String stamped = SourceIdentity.of(user, Grant.DIRECT, ID).user();

        assertThat(stamped)
                .hasSize(SourceIdentity.MAX_USER)
                .isEqualTo(SourceIdentity.of(user, Grant.DIRECT, RequestId.random())
                        .user());
        assertThat(stamped).startsWith(user.substring(0, 26) + "-").matches(".{27}[0-9a-f]{5}");
        assertThat(SourceIdentity.of("u".repeat(33), Grant.DIRECT, ID).user())
                .hasSize(32)
                .isNotEqualTo("u".repeat(32));
    }

    @Test
    void longUsersSharingAPrefixStayDistinct() {
        String prefix = "platform-engineering-team-member-";
        Map<String, String> byStamp = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            String user = prefix + i;
            String stamped = SourceIdentity.of(user, Grant.DIRECT, ID).user();
            assertThat(byStamp.put(stamped, user))
                    .as("%s and %s stamp alike", user, byStamp.get(stamped))
                    .isNull();
        }
    }

    @Test
    void replacesCharactersStsDoesNotAllow() {
        assertThat(SourceIdentity.of("josé müller", Grant.DIRECT, ID).user()).matches("jos--m-ller-[0-9a-f]{5}");
        assertThat(SourceIdentity.of("domain\\alice:admin/ops", Grant.DIRECT, ID)
                        .user())
                .matches("domain-alice-admin-ops-[0-9a-f]{5}");
        assertThat(SourceIdentity.of("\uD83D\uDE00", Grant.DIRECT, ID).user()).matches("---[0-9a-f]{5}");
        assertThat(SourceIdentity.of("a_b+c=d,e.f@g-h", Grant.DIRECT, ID).user())
                .isEqualTo("a_b+c=d,e.f@g-h");
    }

    @Test
    void longUsersWithReplacedCharactersStayDistinct() {
        String a = SourceIdentity.of("ü".repeat(40), Grant.DIRECT, ID).user();
        String b = SourceIdentity.of("é".repeat(40), Grant.DIRECT, ID).user();

        assertThat(a).isNotEqualTo(b).startsWith("-".repeat(26));
    }

    @Test
    void everyStampMatchesStsPatternAndParsesBack() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            String user = randomUser(random);
            Grant grant =
                    switch (random.nextInt(3)) {
                        case 0 -> Grant.DIRECT;
                        case 1 -> Grant.approval(RequestId.random(random));
                        default -> Grant.breakGlass(RequestId.random(random));
                    };
            SourceIdentity stamp = SourceIdentity.of(user, grant, RequestId.random(random));
            String formatted = stamp.format();

            assertThat(formatted)
                    .as("stamp for user %s", user)
                    .matches(AWS_SOURCE_IDENTITY)
                    .doesNotContain(":");
            assertThat(SourceIdentity.parse(formatted))
                    .as("stamp %s", formatted)
                    .contains(stamp);
        }
    }

    @Test
    void longestStampIsExactlySixtyFourCharacters() {
        String formatted = SourceIdentity.of("n".repeat(64), Grant.breakGlass(REFERENCE), ID)
                .format();

        assertThat(formatted).hasSize(64).matches(AWS_SOURCE_IDENTITY);
    }

    @Test
    void refusesEmptyUser() {
        assertThatIllegalArgumentException().isThrownBy(() -> SourceIdentity.of("", Grant.DIRECT, ID));
    }

    @Test
    void constructorRefusesUsersThatWereNotMadeStampable() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SourceIdentity("a:b", Grant.DIRECT, ID));
        assertThatIllegalArgumentException().isThrownBy(() -> new SourceIdentity("u".repeat(33), Grant.DIRECT, ID));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "alice",
                "sentinel.",
                "sentinel.alice",
                "sentinel.alice.d",
                "sentinel.d.k3v7q2m6xa",
                "sentinel..d.k3v7q2m6xa",
                "sentinel.alice.x.k3v7q2m6xa",
                "sentinel.alice.dabcdefgh23.k3v7q2m6xa",
                "sentinel.alice.a.k3v7q2m6xa",
                "sentinel.alice.aABCDEFGH23.k3v7q2m6xa",
                "sentinel.alice.d.K3V7Q2M6XA",
                "sentinel.alice.d.k3v7q2m6x",
                "sentinel.alice.d.k3v7q2m6xa.",
                "Sentinel.alice.d.k3v7q2m6xa",
                "other.alice.d.k3v7q2m6xa",
                "sentinel.al:ce.d.k3v7q2m6xa",
                "sentinel.al ce.d.k3v7q2m6xa",
                "sentinel.uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu.d.k3v7q2m6xa",
                "sentinel.uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu.babcdefgh23.k3v7q2m6xaa"
            })
    void parseRejectsStringsThatAreNotSentinelStamps(String text) {
        assertThat(SourceIdentity.parse(text)).isEmpty();
    }

    @Test
    void parseRejectsNull() {
        assertThat(SourceIdentity.parse(null)).isEmpty();
    }

    @Test
    void grantsCarryAReferenceExactlyWhenNotDirect() {
        assertThat(Grant.DIRECT.reference()).isNull();
        assertThat(Grant.approval(REFERENCE).reference()).isEqualTo(REFERENCE);
        assertThatIllegalArgumentException().isThrownBy(() -> new Grant(Grant.Kind.DIRECT, REFERENCE));
        assertThatIllegalArgumentException().isThrownBy(() -> new Grant(Grant.Kind.APPROVAL, null));
        assertThatIllegalArgumentException().isThrownBy(() -> new Grant(Grant.Kind.BREAK_GLASS, null));
    }

    private static String randomUser(Random random) {
        return switch (random.nextInt(6)) {
            case 0 ->
                randomFrom(random, "abcdefghijklmnopqrstuvwxyz", 1, 12) + "@"
                        + randomFrom(random, "abcdefghijklmnopqrstuvwxyz-", 1, 20) + ".com";
            case 1 ->
                randomFrom(random, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=,.@-", 64, 64);
            case 2 -> randomFrom(random, "äöüßéèçñøåæœłśźżčšžÄÖÜ日本語中文한국어Ωπ", 1, 40);
            case 3 -> randomFrom(random, "a.b:c/d\\e f\t\"'<>|*?%$#!~`\u0000\u2028", 1, 70);
            case 4 -> randomCodePoints(random, 1, 50);
            default -> randomFrom(random, "abcdefghij.", 1, 100);
        };
    }

    private static String randomFrom(Random random, String alphabet, int minLength, int maxLength) {
        int length = minLength + random.nextInt(maxLength - minLength + 1);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String randomCodePoints(Random random, int minLength, int maxLength) {
        int length = minLength + random.nextInt(maxLength - minLength + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.appendCodePoint(random.nextInt(Character.MAX_CODE_POINT + 1));
        }
        return sb.toString();
    }
}
