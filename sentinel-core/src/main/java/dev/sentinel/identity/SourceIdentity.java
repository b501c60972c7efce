package dev.sentinel.identity;

import static java.util.Objects.requireNonNull;

import dev.sentinel.crypto.Primitives;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The stamp Sentinel puts on every STS session: {@code sentinel.<user>.<grant>.<request id>}, for
 * example {@code sentinel.alice.d.k3v9q2m7xa}. It satisfies STS's pattern {@code [\w+=,.@-]{2,64}} (no
 * colons), and parses back from the right, so user names may contain dots. A user name that is longer
 * than {@value #MAX_USER} characters, or has characters STS does not accept (replaced by dashes), is
 * stamped as its first 26 usable characters, a dash and five hex digits of its SHA-256, so that names
 * such as {@code josé} and {@code josè} stay distinct; the decision log always has the full name.
 */
public record SourceIdentity(String user, Grant grant, RequestId requestId) {
    public static final String PREFIX = "sentinel.";
    public static final int MAX_USER = 32;
    /** The pattern STS applies to SourceIdentity and RoleSessionName. */
    public static final Pattern STS_PATTERN = Pattern.compile("[\\w+=,.@-]{2,64}");

    private static final Pattern USER = Pattern.compile("[\\w+=,.@-]{1," + MAX_USER + "}");

    public SourceIdentity {
        requireNonNull(user, "user is null");
        requireNonNull(grant, "grant is null");
        requireNonNull(requestId, "requestId is null");
        if (!USER.matcher(user).matches()) {
            throw new IllegalArgumentException("SourceIdentity user must match " + USER.pattern() + ": " + user);
        }
    }

    /** Stamps a caller's user name, shortening it if needed. */
    public static SourceIdentity of(String userName, Grant grant, RequestId requestId) {
        return new SourceIdentity(stampableUser(userName), grant, requestId);
    }

    static String stampableUser(String userName) {
        requireNonNull(userName, "userName is null");
        StringBuilder cleaned = new StringBuilder(userName.length());
        for (int i = 0; i < userName.length(); i++) {
            char c = userName.charAt(i);
            boolean allowed = c < 128 && (Character.isLetterOrDigit(c) || "_+=,.@-".indexOf(c) >= 0);
            cleaned.append(allowed ? c : '-');
        }
        if (cleaned.isEmpty()) {
            throw new IllegalArgumentException("user name is empty");
        }
        if (cleaned.length() <= MAX_USER && cleaned.toString().equals(userName)) {
            return userName;
        }
        String digest = HexFormat.of().formatHex(sha256(userName)).substring(0, 5);
        return cleaned.substring(0, Math.min(cleaned.length(), MAX_USER - 6)) + "-" + digest;
    }

    public String format() {
        return PREFIX + user + '.' + grant.encode() + '.' + requestId.value();
    }

    /** Parses a stamp; empty when the text is not one of Sentinel's. */
    public static Optional<SourceIdentity> parse(String text) {
        if (text == null
                || !text.startsWith(PREFIX)
                || !STS_PATTERN.matcher(text).matches()) {
            return Optional.empty();
        }
        int idDot = text.lastIndexOf('.');
        int grantDot = text.lastIndexOf('.', idDot - 1);
        if (grantDot < PREFIX.length()) {
            return Optional.empty();
        }
        String user = text.substring(PREFIX.length(), grantDot);
        Grant grant = Grant.decode(text.substring(grantDot + 1, idDot));
        String id = text.substring(idDot + 1);
        if (grant == null || !RequestId.isValid(id) || !USER.matcher(user).matches()) {
            return Optional.empty();
        }
        return Optional.of(new SourceIdentity(user, grant, new RequestId(id)));
    }

    @Override
    public String toString() {
        return format();
    }

    private static byte[] sha256(String text) {
        return Primitives.sha256().digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
