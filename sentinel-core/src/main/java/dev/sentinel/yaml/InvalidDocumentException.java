package dev.sentinel.yaml;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.util.List;
import java.util.stream.Collectors;

/** A document that failed validation, with every problem found (not only the first). */
public final class InvalidDocumentException extends SentinelException {
    private final List<Problem> problems;

    public InvalidDocumentException(ErrorCode code, String what, List<Problem> problems) {
        super(
                code,
                what + " is invalid (" + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):\n"
                        + problems.stream().map(p -> "  " + p.render()).collect(Collectors.joining("\n")),
                "Correct the lines above; nothing is issued while the document is invalid.");
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
