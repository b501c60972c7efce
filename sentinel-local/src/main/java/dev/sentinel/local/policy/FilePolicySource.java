package dev.sentinel.local.policy;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.PolicySource;
import dev.sentinel.policy.ProfileName;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Policies from local YAML files. Given a directory, the policy for profile {@code P} is
 * {@code <dir>/P.yaml}, or else {@code <dir>/default.yaml}. Given a file, that file governs every
 * profile. The file is read on every call, so an edit takes effect at once; when its text is exactly the
 * text last parsed from the same file, that parse is reused (a long-running server then parses only what
 * changed).
 */
public final class FilePolicySource implements PolicySource {
    static final String DEFAULT_NAME = "default.yaml";

    private final Path location;
    private volatile LoadedPolicy lastParsed;

    public FilePolicySource(Path location) {
        this.location = requireNonNull(location, "location is null");
    }

    @Override
    public LoadedPolicy load(ProfileName profile) {
        if (!Files.isDirectory(location)) {
            return read(location).orElseThrow(() -> notFound(profile, location.toString()));
        }
        String name = profile.value();
        if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new SentinelException(
                    ErrorCode.PROFILE_INVALID,
                    "Profile name '" + name + "' cannot name a policy file in " + location + ".",
                    "Rename the profile, or govern it with " + location.resolve(DEFAULT_NAME) + ".");
        }
        Path own = location.resolve(name + ".yaml");
        Path fallback = location.resolve(DEFAULT_NAME);
        return read(own).or(() -> read(fallback)).orElseThrow(() -> notFound(profile, own + " or " + fallback));
    }

    private java.util.Optional<LoadedPolicy> read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
            String source = file.toString();
            LoadedPolicy last = lastParsed;
            if (last != null && last.source().equals(source) && last.text().equals(text)) {
                return java.util.Optional.of(last);
            }
            LoadedPolicy parsed = LoadedPolicy.parse(source, text);
            lastParsed = parsed;
            return java.util.Optional.of(parsed);
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty();
        } catch (CharacterCodingException e) {
            throw new SentinelException(
                    ErrorCode.POLICY_INVALID, "Policy " + file + " is not UTF-8 text.", "Save the file as UTF-8.", e);
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.POLICY_NOT_FOUND,
                    "Cannot read policy " + file + ": " + e.getMessage(),
                    "Check the file's permissions.",
                    e);
        }
    }

    private static SentinelException notFound(ProfileName profile, String looked) {
        return new SentinelException(
                ErrorCode.POLICY_NOT_FOUND,
                "No policy governs profile '" + profile + "': looked for " + looked + ".",
                "Write a policy there (see docs/policy.md); without one Sentinel issues nothing.");
    }
}
