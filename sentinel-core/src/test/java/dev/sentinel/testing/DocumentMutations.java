package dev.sentinel.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Variants of a valid YAML document with one line removed or one value replaced by something odd, for
 * checking that a parser rejects bad input with its own error and never with a stray exception.
 */
public final class DocumentMutations {
    private static final List<String> ODD_VALUES = List.of(
            "",
            "[]",
            "{}",
            "[[]]",
            "0",
            "-1",
            "2147483648",
            "true",
            "\"\"",
            "x",
            "[x, \"*\"]",
            "{a: b}",
            "0s",
            "99999h");

    private DocumentMutations() {}

    public static List<String> of(String document) {
        String[] lines = document.split("\n", -1);
        List<String> variants = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            variants.add(replaceLine(lines, i, null));
            int colon = lines[i].indexOf(": ");
            if (colon >= 0) {
                for (String value : ODD_VALUES) {
                    variants.add(replaceLine(lines, i, lines[i].substring(0, colon + 2) + value));
                }
            }
        }
        return variants;
    }

    private static String replaceLine(String[] lines, int index, String replacement) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = i == index ? replacement : lines[i];
            if (line != null) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }
}
