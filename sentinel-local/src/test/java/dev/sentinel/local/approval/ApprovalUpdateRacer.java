package dev.sentinel.local.approval;

import dev.sentinel.approval.Approval;
import dev.sentinel.approval.ApprovalRequest;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A separate process racing to approve one request: reads it, prints {@code ready}, waits for a line on
 * stdin, then writes its approval from the version it read. Prints {@code won} or the error code.
 *
 * <p>Arguments: database file, request id, approver name.
 */
public final class ApprovalUpdateRacer {
    private ApprovalUpdateRacer() {}

    public static void main(String[] args) throws Exception {
        SqliteApprovalStore store = new SqliteApprovalStore(Path.of(args[0]));
        ApprovalRequest read = store.get(new RequestId(args[1])).orElseThrow();
        String approver = args[2];
        ApprovalRequest mine = read.next(
                ApprovalRequest.Status.APPROVED,
                read.createdAt().plusSeconds(1),
                read.expiresAt(),
                read.createdAt().plusSeconds(1),
                List.of(new Approval(approver, read.createdAt().plusSeconds(1), null)),
                approver,
                null,
                false);
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        try {
            store.update(mine);
            System.out.println("won");
        } catch (SentinelException e) {
            System.out.println(e.code());
        }
    }
}
