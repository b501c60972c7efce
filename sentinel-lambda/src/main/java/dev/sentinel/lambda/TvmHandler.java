package dev.sentinel.lambda;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.json.JsonWriter;
import dev.sentinel.tvm.TokenVendingMachine;
import dev.sentinel.tvm.TvmRequest;
import dev.sentinel.tvm.TvmResponse;
import java.io.PrintStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Lambda entry point ({@code dev.sentinel.lambda.TvmHandler::handleRequest}) for an API Gateway HTTP
 * API (payload format 2.0) whose routes all use {@code AWS_IAM} authorization: it turns the event into a
 * {@link TvmRequest} whose caller is the principal API Gateway verified, and the machine's answer into the
 * response. The machine is built once per function instance from the environment; if that fails, every
 * request is answered with a configuration error (details in the log) and the next request tries again.
 */
public final class TvmHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Supplier<TokenVendingMachine> factory;
    private final PrintStream err;
    private volatile TokenVendingMachine machine;

    /** The constructor Lambda calls: configured from the function's environment. */
    public TvmHandler() {
        this(() -> LambdaWiring.build(System.getenv(), Clock.systemUTC(), System.out, System.err), System.err);
    }

    /** @param err where the reasons for configuration errors go */
    TvmHandler(Supplier<TokenVendingMachine> factory, PrintStream err) {
        this.factory = requireNonNull(factory, "factory is null");
        this.err = requireNonNull(err, "err is null");
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        TvmResponse response;
        try {
            response = machine().handle(request(event));
        } catch (SentinelException e) {
            err.println("sentinel: " + e.code() + ": " + e.getMessage());
            String message = e.code().category() == dev.sentinel.error.ErrorCategory.USAGE
                    ? e.getMessage()
                    : "The server could not complete this request; its operators can find the details in its log.";
            return APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(e.code().httpStatus())
                    .withHeaders(Map.of("Content-Type", "application/json", "Cache-Control", "no-store"))
                    .withBody(JsonWriter.object()
                            .field("code", e.code().name())
                            .field("message", message)
                            .close())
                    .withIsBase64Encoded(false)
                    .build();
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(response.headers())
                .withBody(response.body())
                .withIsBase64Encoded(false)
                .build();
    }

    private TokenVendingMachine machine() {
        TokenVendingMachine built = machine;
        if (built == null) {
            synchronized (this) {
                if (machine == null) {
                    machine = factory.get();
                }
                built = machine;
            }
        }
        return built;
    }

    /**
     * The request as the machine sees it. The path loses the stage prefix API Gateway keeps for a named
     * stage; the caller is {@code requestContext.authorizer.iam.userArn}, and nothing else.
     */
    static TvmRequest request(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        if (context == null || context.getHttp() == null || event.getRawPath() == null) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "The event is not an API Gateway HTTP API (payload format 2.0) request.",
                    "Invoke the function through its HTTP API.");
        }
        String path = event.getRawPath();
        String stage = context.getStage();
        if (stage != null && !stage.equals("$default") && path.startsWith("/" + stage + "/")) {
            path = path.substring(stage.length() + 1);
        }
        Map<String, List<String>> headers = new HashMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
        }
        String principal =
                context.getAuthorizer() == null || context.getAuthorizer().getIam() == null
                        ? null
                        : context.getAuthorizer().getIam().getUserArn();
        return TvmRequest.of(context.getHttp().getMethod(), path, event.getRawQueryString(), headers, principal);
    }
}
