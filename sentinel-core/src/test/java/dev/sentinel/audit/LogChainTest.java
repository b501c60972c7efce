package dev.sentinel.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class LogChainTest {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final byte[] OTHER_KEY = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

    private final LogChain chain = new LogChain(KEY);

    /** The line format, spelled out: the fields of the entry after seq and prev, then an HMAC-SHA256 of the rest. */
    @Test
    void aSealedLineIsExactlyTheDocumentedFormat() throws Exception {
        String prev = "ab".repeat(32);
        for (String entry : new String[] {"{\"type\":\"decision\",\"user\":\"jos\u00e9\"}", "{}"}) {
            String fields = entry.substring(1, entry.length() - 1);
            String unsealed = "{\"seq\":42,\"prev\":\"" + prev + "\"" + (fields.isEmpty() ? "" : "," + fields);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            String expected = unsealed + ",\"mac\":\""
                    + HexFormat.of().formatHex(mac.doFinal((unsealed + "}").getBytes(StandardCharsets.UTF_8))) + "\"}";

            assertThat(chain.seal(42, prev, entry)).isEqualTo(expected);
        }
    }

    @Test
    void sealedLineAuthenticatesWithItsPlaceInTheChain() {
        String line = chain.seal(1, LogChain.GENESIS, "{\"type\":\"decision\",\"user\":\"alice\"}");

        LogChain.ChainLink link = chain.authenticate(line);

        assertThat(link).isEqualTo(new LogChain.ChainLink(1, LogChain.GENESIS));
        assertThat(LogChain.link(line)).isEqualTo(link);
    }

    @Test
    void sealedLineStartsWithSeqAndPrevAndEndsWithMac() {
        String prev = LogChain.hash("previous line");

        String line = chain.seal(42, prev, "{\"user\":\"alice\"}");

        assertThat(line)
                .startsWith("{\"seq\":42,\"prev\":\"" + prev + "\",\"user\":\"alice\",\"mac\":\"")
                .matches(".*,\"mac\":\"[0-9a-f]{64}\"}$")
                .doesNotContain("\n");
    }

    @Test
    void sealsAnEmptyObjectWithoutAStrayComma() {
        String line = chain.seal(1, LogChain.GENESIS, "{}");

        assertThat(line).startsWith("{\"seq\":1,\"prev\":\"" + LogChain.GENESIS + "\",\"mac\":\"");
        assertThat(chain.authenticate(line)).isNotNull();
    }

    @Test
    void macDependsOnEveryByte() {
        String line = chain.seal(1, LogChain.GENESIS, "{\"user\":\"alice\"}");

        assertThat(chain.authenticate(line.replace("alice", "alicf"))).isNull();
        assertThat(chain.authenticate(line.replace("\"seq\":1", "\"seq\":2"))).isNull();
        assertThat(chain.authenticate(line.replace(LogChain.GENESIS, "1" + LogChain.GENESIS.substring(1))))
                .isNull();
        assertThat(chain.authenticate(line + " ")).isNull();
        assertThat(chain.authenticate(line.substring(0, line.length() - 1))).isNull();
        assertThat(chain.authenticate(line.toUpperCase(java.util.Locale.ROOT))).isNull();
    }

    @Test
    void lineFromAnotherKeyDoesNotAuthenticate() {
        String line = new LogChain(OTHER_KEY).seal(1, LogChain.GENESIS, "{\"user\":\"alice\"}");

        assertThat(chain.authenticate(line)).isNull();
        assertThat(LogChain.link(line)).isEqualTo(new LogChain.ChainLink(1, LogChain.GENESIS));
    }

    @Test
    void entryFieldThatLooksLikeAMacDoesNotConfuseAuthentication() {
        String line =
                chain.seal(1, LogChain.GENESIS, "{\"reason\":\"x\\\",\\\"mac\\\":\\\"" + "a".repeat(64) + "\\\"}\"}");

        assertThat(chain.authenticate(line)).isNotNull();
    }

    @Test
    void headAuthenticatesAndNamesSeqAndHash() {
        String last = chain.seal(3, LogChain.hash("two"), "{\"user\":\"alice\"}");

        String head = chain.sealHead(3, LogChain.hash(last));

        assertThat(chain.authenticateHead(head)).isEqualTo(new LogChain.ChainLink(3, LogChain.hash(last)));
        assertThat(chain.authenticateHead(head + "\n")).isEqualTo(new LogChain.ChainLink(3, LogChain.hash(last)));
        assertThat(chain.authenticateHead(head.replace("\"seq\":3", "\"seq\":4")))
                .isNull();
        assertThat(new LogChain(OTHER_KEY).authenticateHead(head)).isNull();
        assertThat(chain.authenticateHead("not a head")).isNull();
    }

    @Test
    void aLineIsNotAHeadAndAHeadIsNotALine() {
        String line = chain.seal(1, LogChain.GENESIS, "{}");
        String head = chain.sealHead(1, LogChain.hash(line));

        assertThat(chain.authenticateHead(line)).isNull();
        assertThat(chain.authenticate(head)).isNull();
    }

    @Test
    void hashIsSha256OfUtf8Bytes() {
        assertThat(LogChain.hash("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(LogChain.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(LogChain.GENESIS).hasSize(64).matches("0+");
    }

    @Test
    void keepsItsOwnCopyOfTheKey() {
        byte[] key = KEY.clone();
        LogChain copy = new LogChain(key);
        String before = copy.seal(1, LogChain.GENESIS, "{}");

        Arrays.fill(key, (byte) 0);

        assertThat(copy.seal(1, LogChain.GENESIS, "{}")).isEqualTo(before);
        assertThat(chain.authenticate(before)).isNotNull();
    }

    @Test
    void refusesShortKeysAndMalformedInput() {
        assertThatIllegalArgumentException().isThrownBy(() -> new LogChain(new byte[31]));
        assertThatIllegalArgumentException().isThrownBy(() -> chain.seal(0, LogChain.GENESIS, "{}"));
        assertThatIllegalArgumentException().isThrownBy(() -> chain.seal(1, LogChain.GENESIS, "[]"));
        assertThatIllegalArgumentException().isThrownBy(() -> chain.seal(1, LogChain.GENESIS, "\"text\""));
    }
}
