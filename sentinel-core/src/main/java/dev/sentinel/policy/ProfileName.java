package dev.sentinel.policy;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/** An AWS config profile name: the one meaning of "profile" everywhere in Sentinel (DESIGN.md 4.1). */
public record ProfileName(String value) implements Comparable<ProfileName> {
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_.@+=,:/-]{1,128}");

    public ProfileName {
        requireNonNull(value, "value is null");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a usable profile name: use 1-128 of the"
                    + " characters A-Z a-z 0-9 _ . @ + = , : / -");
        }
    }

    public static boolean isValid(String value) {
        return value != null && FORMAT.matcher(value).matches();
    }

    @Override
    public int compareTo(ProfileName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
