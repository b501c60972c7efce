package dev.sentinel.audit;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Verifies a whole log against its chain and head. Reports every finding with the 1-based line number
 * and what is wrong, so an investigator knows where to look.
 */
public final class ChainVerifier {
    private final LogChain chain;

    public ChainVerifier(LogChain chain) {
        this.chain = requireNonNull(chain, "chain is null");
    }

    public record Finding(int line, String message) {}

    public record Report(int entries, List<Finding> problems, List<String> warnings) {
        public Report {
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }

        public boolean intact() {
            return problems.isEmpty();
        }
    }

    /**
     * @param logLines the log's lines, without line terminators; a last element that is empty stands for
     *     the file's final newline and is ignored
     * @param head the head file's text: head records one per line, of which the authentic one with the highest
     *     {@code seq} counts (the file keeps two, so that an interrupted update leaves the other intact), or
     *     null when there is none
     * @param endsWithNewline whether the file's last line was terminated (an unterminated line is a torn write)
     */
    public Report verify(List<String> logLines, String head, boolean endsWithNewline) {
        List<String> lines =
                !logLines.isEmpty() && logLines.get(logLines.size() - 1).isEmpty()
                        ? logLines.subList(0, logLines.size() - 1)
                        : logLines;
        List<Finding> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> headRecords = head == null
                ? List.of()
                : head.lines().map(String::strip).filter(r -> !r.isEmpty()).toList();
        LogChain.ChainLink headLink = null;
        int damagedHeads = 0;
        for (String record : headRecords) {
            LogChain.ChainLink link = chain.authenticateHead(record);
            if (link == null) {
                damagedHeads++;
            } else if (headLink == null || link.seq() > headLink.seq()) {
                headLink = link;
            }
        }
        String hashAtHead = null;
        String prevHash = LogChain.GENESIS;
        long expectedSeq = 1;
        long lastGoodSeq = 0;
        String lastHash = LogChain.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i);
            LogChain.ChainLink link = chain.authenticate(line);
            if (link == null) {
                LogChain.ChainLink claimed = LogChain.link(line);
                problems.add(new Finding(
                        lineNo,
                        claimed == null
                                ? "not a Sentinel log line (edited or corrupted)"
                                : "MAC does not match: entry seq " + claimed.seq()
                                        + " was edited, or was written with another key"));
                if (claimed != null) {
                    expectedSeq = claimed.seq() + 1;
                }
                prevHash = LogChain.hash(line);
                continue;
            }
            if (link.seq() != expectedSeq) {
                if (link.seq() > expectedSeq) {
                    problems.add(new Finding(
                            lineNo,
                            "entry seq " + link.seq() + " follows seq " + (expectedSeq - 1) + ": "
                                    + (link.seq() - expectedSeq) + " entr"
                                    + (link.seq() - expectedSeq == 1 ? "y was" : "ies were") + " removed here"));
                } else {
                    problems.add(new Finding(
                            lineNo,
                            "entry seq " + link.seq() + " appears after seq " + (expectedSeq - 1)
                                    + ": entries were reordered or duplicated"));
                }
            } else if (!link.hash().equals(prevHash)) {
                problems.add(new Finding(
                        lineNo,
                        "entry seq " + link.seq()
                                + " does not chain to the line before it: a line before it was replaced"));
            }
            expectedSeq = link.seq() + 1;
            prevHash = LogChain.hash(line);
            if (headLink != null && link.seq() == headLink.seq() && hashAtHead == null) {
                hashAtHead = prevHash;
            }
            lastGoodSeq = link.seq();
            lastHash = prevHash;
        }
        if (!lines.isEmpty() && !endsWithNewline) {
            problems.add(new Finding(lines.size(), "the last line is not terminated: the file was cut mid-line"));
        }
        if (headRecords.isEmpty()) {
            if (!lines.isEmpty()) {
                problems.add(new Finding(
                        lines.size(), "the head record is missing, so a truncated tail cannot be ruled out"));
            }
        } else if (headLink == null) {
            problems.add(new Finding(lines.size(), "the head record's MAC does not match: it was edited or replaced"));
        } else {
            if (headLink.seq() > lastGoodSeq) {
                problems.add(new Finding(
                        lines.size(),
                        "the log ends at seq " + lastGoodSeq + " but its head says seq " + headLink.seq()
                                + " was written: the file was truncated"));
            } else if (hashAtHead != null && !hashAtHead.equals(headLink.hash())) {
                problems.add(new Finding(
                        lines.size(),
                        (headLink.seq() == lastGoodSeq ? "the last entry" : "entry seq " + headLink.seq())
                                + " differs from the one the head record names: it was replaced"));
            } else if (headLink.seq() < lastGoodSeq) {
                warnings.add("the head record names seq " + headLink.seq() + " but the log continues to seq "
                        + lastGoodSeq + " (the newest lines of a running server wait up to a second for their sync,"
                        + " or a write was interrupted before the head was updated)");
            }
            if (damagedHeads > 0) {
                warnings.add("the head file holds a record that does not authenticate beside one that does (an"
                        + " update of the head was interrupted)");
            }
        }
        return new Report(lines.size(), problems, warnings);
    }
}
