package dev.sentinel.approval;

/**
 * Which requests to list; null fields do not filter. {@code limit} is the page size (1 to 1000).
 */
public record ApprovalQuery(String requester, ApprovalRequest.Status status, String profile, int limit) {
    public ApprovalQuery {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000: " + limit);
        }
    }
}
