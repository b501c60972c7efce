package dev.sentinel.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
    @Test
    void categoriesMapToTheDocumentedExitCodes() {
        assertThat(ErrorCategory.INTERNAL.exitCode()).isEqualTo(1);
        assertThat(ErrorCategory.USAGE.exitCode()).isEqualTo(2);
        assertThat(ErrorCategory.DENIED.exitCode()).isEqualTo(3);
        assertThat(ErrorCategory.APPROVAL.exitCode()).isEqualTo(4);
        assertThat(ErrorCategory.CONFIGURATION.exitCode()).isEqualTo(5);
        assertThat(ErrorCategory.AWS.exitCode()).isEqualTo(6);
    }

    @Test
    void noCategoryExitsWithTheSuccessCode() {
        assertThat(ErrorCategory.values())
                .extracting(ErrorCategory::exitCode)
                .doesNotContain(0)
                .doesNotHaveDuplicates();
    }

    @Test
    void categoriesMapToHttpStatuses() {
        assertThat(ErrorCategory.INTERNAL.httpStatus()).isEqualTo(500);
        assertThat(ErrorCategory.USAGE.httpStatus()).isEqualTo(400);
        assertThat(ErrorCategory.DENIED.httpStatus()).isEqualTo(403);
        assertThat(ErrorCategory.APPROVAL.httpStatus()).isEqualTo(403);
        assertThat(ErrorCategory.CONFIGURATION.httpStatus()).isEqualTo(500);
        assertThat(ErrorCategory.AWS.httpStatus()).isEqualTo(502);
    }

    @Test
    void codesAnswerWithTheirCategorysHttpStatusUnlessHttpHasASharperOne() {
        assertThat(ErrorCode.POLICY_DENIED.httpStatus()).isEqualTo(403);
        assertThat(ErrorCode.APPROVAL_REQUIRED.httpStatus()).isEqualTo(403);
        assertThat(ErrorCode.POLICY_INVALID.httpStatus()).isEqualTo(500);
        assertThat(ErrorCode.RATE_LIMITED.httpStatus()).isEqualTo(429);
        assertThat(ErrorCode.UNAUTHENTICATED.httpStatus()).isEqualTo(401);
        assertThat(ErrorCode.PROFILE_NOT_REGISTERED.httpStatus()).isEqualTo(404);
        assertThat(Arrays.stream(ErrorCode.values())
                        .filter(code -> code.httpStatus() != code.category().httpStatus()))
                .containsExactlyInAnyOrder(
                        ErrorCode.RATE_LIMITED, ErrorCode.UNAUTHENTICATED, ErrorCode.PROFILE_NOT_REGISTERED);
    }

    @Test
    void aSharperHttpStatusKeepsTheCategorysExitCode() {
        assertThat(ErrorCode.RATE_LIMITED.exitCode()).isEqualTo(3);
        assertThat(ErrorCode.UNAUTHENTICATED.exitCode()).isEqualTo(3);
        assertThat(ErrorCode.PROFILE_NOT_REGISTERED.exitCode()).isEqualTo(2);
    }

    @Test
    void codesExitWithTheirCategorysCode() {
        assertThat(ErrorCode.INTERNAL_ERROR.exitCode()).isEqualTo(1);
        assertThat(ErrorCode.USAGE.exitCode()).isEqualTo(2);
        assertThat(ErrorCode.POLICY_DENIED.exitCode()).isEqualTo(3);
        assertThat(ErrorCode.POLICY_NO_MATCH.exitCode()).isEqualTo(3);
        assertThat(ErrorCode.SERVER_MODE_REQUIRED.exitCode()).isEqualTo(3);
        assertThat(ErrorCode.APPROVAL_REQUIRED.exitCode()).isEqualTo(4);
        assertThat(ErrorCode.POLICY_INVALID.exitCode()).isEqualTo(5);
        assertThat(ErrorCode.IDENTITY_INVALID.exitCode()).isEqualTo(5);
        assertThat(ErrorCode.AUDIT_LOG_UNAVAILABLE.exitCode()).isEqualTo(5);
        assertThat(ErrorCode.AWS_UNREACHABLE.exitCode()).isEqualTo(6);
        assertThat(Arrays.stream(ErrorCode.values())).allSatisfy(code -> assertThat(code.exitCode())
                .isEqualTo(code.category().exitCode()));
    }

    @Test
    void exceptionCarriesCodeMessageAndHint() {
        SentinelException e = new SentinelException(ErrorCode.PROFILE_NOT_FOUND, "No profile 'x'.", null);

        assertThat(e.code()).isEqualTo(ErrorCode.PROFILE_NOT_FOUND);
        assertThat(e.getMessage()).isEqualTo("No profile 'x'.");
        assertThat(e.hint()).isEmpty();
        assertThat(e.exitCode()).isEqualTo(5);
    }
}
