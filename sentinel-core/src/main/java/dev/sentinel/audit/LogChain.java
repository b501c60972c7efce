package dev.sentinel.audit;

import static java.util.Objects.requireNonNull;

import dev.sentinel.crypto.Primitives;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The tamper-evident line format of Sentinel's JSON Lines logs (DESIGN.md 4.6).
 *
 * <p>A line is {@code {"seq":N,"prev":"<sha256 of the previous line>",<entry fields>,"mac":"<hmac>"}}.
 * The MAC is HMAC-SHA256 over the line's exact bytes up to (not including) {@code ,"mac":}, followed by
 * a closing brace, so verification needs no JSON canonicalization. The first line has {@code seq} 1 and a
 * {@code prev} of 64 zeros. Sequence numbers and the hash chain reveal edited, removed, inserted and
 * reordered lines; a separately MAC'd head record ({@link #sealHead}) reveals a truncated tail.
 */
public final class LogChain {
    public static final String GENESIS = "0".repeat(64);
    private static final String MAC_FIELD = ",\"mac\":\"";
    private static final Pattern LINE_START = Pattern.compile("^\\{\"seq\":(\\d{1,18}),\"prev\":\"([0-9a-f]{64})\"");
    private static final Pattern HEAD = Pattern.compile(
            "^\\{\"seq\":(\\d{1,18}),\"hash\":\"([0-9a-f]{64})\"" + Pattern.quote(MAC_FIELD) + "([0-9a-f]{64})\"}$");
    private static final Pattern MAC_HEX = Pattern.compile("[0-9a-f]{64}");

    private final SecretKeySpec key;

    public LogChain(byte[] key) {
        requireNonNull(key, "key is null");
        if (key.length < 32) {
            throw new IllegalArgumentException("log MAC key must be at least 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** Seals an entry (a JSON object) as line {@code seq} following a line whose hash is {@code prevHash}. */
    public String seal(long seq, String prevHash, String entryJson) {
        if (seq < 1) {
            throw new IllegalArgumentException("seq starts at 1");
        }
        if (!entryJson.startsWith("{") || !entryJson.endsWith("}")) {
            throw new IllegalArgumentException("entry must be a JSON object");
        }
        StringBuilder line = new StringBuilder(entryJson.length() + 64 + 64 + 48);
        line.append("{\"seq\":")
                .append(seq)
                .append(",\"prev\":\"")
                .append(prevHash)
                .append('"');
        if (entryJson.length() > 2) {
            line.append(',').append(entryJson, 1, entryJson.length() - 1);
        }
        int unsealed = line.length();
        String mac = mac(line.append('}').toString());
        line.setLength(unsealed);
        return line.append(MAC_FIELD).append(mac).append("\"}").toString();
    }

    /** The head record: the sequence number and hash of the last line, MAC'd. */
    public String sealHead(long seq, String lastLineHash) {
        String unsealed = "{\"seq\":" + seq + ",\"hash\":\"" + lastLineHash + '"';
        return unsealed + MAC_FIELD + mac(unsealed + "}") + "\"}";
    }

    public static String hash(String line) {
        return HexFormat.of().formatHex(Primitives.sha256().digest(line.getBytes(StandardCharsets.UTF_8)));
    }

    /** Reads the sequence number and previous hash of a line, without checking anything. */
    public static ChainLink link(String line) {
        Matcher m = LINE_START.matcher(line);
        if (!m.find()) {
            return null;
        }
        return new ChainLink(Long.parseLong(m.group(1)), m.group(2));
    }

    /** Checks one line's MAC; returns its link when authentic, null when not. */
    public ChainLink authenticate(String line) {
        int at = line.lastIndexOf(MAC_FIELD);
        if (at < 0 || !line.endsWith("\"}")) {
            return null;
        }
        String macHex = line.substring(at + MAC_FIELD.length(), line.length() - 2);
        if (!MAC_HEX.matcher(macHex).matches()) {
            return null;
        }
        String expected = mac(line.substring(0, at) + "}");
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), macHex.getBytes(StandardCharsets.US_ASCII))) {
            return null;
        }
        return link(line);
    }

    /** Checks a head record's MAC; returns its (seq, last line hash) when authentic, null when not. */
    public ChainLink authenticateHead(String head) {
        Matcher m = HEAD.matcher(head.strip());
        if (!m.matches()) {
            return null;
        }
        String unsealed = head.strip().substring(0, head.strip().lastIndexOf(MAC_FIELD));
        String expected = mac(unsealed + "}");
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), m.group(3).getBytes(StandardCharsets.US_ASCII))) {
            return null;
        }
        return new ChainLink(Long.parseLong(m.group(1)), m.group(2));
    }

    private String mac(String text) {
        try {
            Mac mac = Primitives.hmacSha256();
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("the log key was checked in the constructor", e);
        }
    }

    /** A line's place in the chain: its sequence number and the hash it names (previous line, or last line for a head). */
    public record ChainLink(long seq, String hash) {}
}
