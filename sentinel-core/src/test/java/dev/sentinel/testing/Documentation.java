package dev.sentinel.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository's documentation and examples, for tests that check what users are shown actually works. */
public final class Documentation {
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    private Documentation() {}

    /** A file by its path from the repository root (tests run in a module directory). */
    public static Path file(String relative) {
        return Path.of("..").toAbsolutePath().normalize().resolve(relative);
    }

    /** The fenced {@code yaml} blocks of a Markdown file that start with {@code start}. */
    public static List<String> yamlBlocks(Path markdown, String start) throws IOException {
        List<String> found = new ArrayList<>();
        Matcher m = YAML_BLOCK.matcher(Files.readString(markdown));
        while (m.find()) {
            if (m.group(1).startsWith(start)) {
                found.add(m.group(1));
            }
        }
        return found;
    }
}
