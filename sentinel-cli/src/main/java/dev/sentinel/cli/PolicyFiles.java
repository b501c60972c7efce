package dev.sentinel.cli;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads policy and test files named on the command line, with errors that say which file and why. */
final class PolicyFiles {
    private PolicyFiles() {}

    static String read(Path file) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new SentinelException(ErrorCode.USAGE, "There is no file " + file + ".", "Check the path.");
        } catch (CharacterCodingException e) {
            throw new SentinelException(ErrorCode.POLICY_INVALID, file + " is not UTF-8 text.", "Save it as UTF-8.", e);
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.USAGE, "Cannot read " + file + ": " + e.getMessage(), "Check its permissions.", e);
        }
    }
}
