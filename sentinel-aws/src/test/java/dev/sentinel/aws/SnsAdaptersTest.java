package dev.sentinel.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.aws.testing.MotoServer;
import dev.sentinel.aws.testing.SqsQueue;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import dev.sentinel.notify.LifecycleEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/** The SNS notifier and SMS code sender against SNS (and SQS) in the emulator. */
class SnsAdaptersTest {
    private static MotoServer moto;

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<SdkRequest> sent = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    /** A client of {@code endpoint} that also records the requests it sends. */
    private SnsClient client(URI endpoint) {
        return SnsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .overrideConfiguration(
                        o -> o.retryStrategy(RetryMode.STANDARD).addExecutionInterceptor(new ExecutionInterceptor() {
                            @Override
                            public void beforeExecution(
                                    Context.BeforeExecution context, ExecutionAttributes attributes) {
                                sent.add(context.request());
                            }
                        }))
                .build();
    }

    private static URI unreachable() {
        return URI.create("http://127.0.0.1:" + MotoServer.freePort());
    }

    private static LifecycleEvent event(String type, String profile) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("justification", "incident 42: \"db down\"");
        return new LifecycleEvent(
                type, Instant.parse("2026-11-22T16:02:11.418Z"), "k3v9q2m7xa", profile, "alice", "bob", details);
    }

    private static String unique(String prefix) {
        return prefix + "-" + RequestId.random().value();
    }

    // --- notifier ---

    @Test
    void aPublishThatCannotReachSnsBecomesAWarningNotAnError() {
        SnsNotifier notifier =
                new SnsNotifier(client(unreachable()), "arn:aws:sns:us-east-1:123456789012:sentinel", warnings::add);

        notifier.notify(event("breakglass.invoked", "prod"));

        assertThat(warnings)
                .singleElement()
                .asString()
                .contains("Cannot reach AWS", "breakglass.invoked", "arn:aws:sns:us-east-1:123456789012:sentinel")
                .contains("Check the network");
    }

    @Test
    void aMissingTopicBecomesAWarning() {
        SnsNotifier notifier = new SnsNotifier(
                client(moto.endpoint()), "arn:aws:sns:us-east-1:123456789012:" + unique("absent"), warnings::add);

        notifier.notify(event("request.created", "prod"));

        assertThat(warnings).singleElement().asString().contains("AWS failed to publish", "NotFound");
    }

    @Test
    void theEventArrivesInASubscribedQueueWithSubjectAndEventAttribute() {
        SnsClient sns = client(moto.endpoint());
        String topicArn = sns.createTopic(b -> b.name(unique("sentinel"))).topicArn();
        SqsQueue queue = SqsQueue.create(moto.endpoint(), unique("inbox"));
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queue.arn()));
        LifecycleEvent event = event("request.approved", "prod");

        new SnsNotifier(sns, topicArn, warnings::add).notify(event);

        assertThat(warnings).isEmpty();
        List<String> bodies = queue.receiveBodies();
        assertThat(bodies).hasSize(1);
        JsonNode envelope = JsonNode.parser().parse(bodies.get(0));
        assertThat(envelope.field("Message").orElseThrow().text()).isEqualTo(event.toJson());
        assertThat(envelope.field("Subject").orElseThrow().text()).isEqualTo("Sentinel request.approved (prod)");
        JsonNode attribute =
                envelope.field("MessageAttributes").orElseThrow().field("event").orElseThrow();
        assertThat(attribute.field("Type").orElseThrow().text()).isEqualTo("String");
        assertThat(attribute.field("Value").orElseThrow().text()).isEqualTo("request.approved");
    }

    @Test
    void aFilterPolicyOnTheEventAttributeSelectsEvents() {
        SnsClient sns = client(moto.endpoint());
        String topicArn = sns.createTopic(b -> b.name(unique("sentinel"))).topicArn();
        SqsQueue onCall = SqsQueue.create(moto.endpoint(), unique("on-call"));
        sns.subscribe(b -> b.topicArn(topicArn)
                .protocol("sqs")
                .endpoint(onCall.arn())
                .attributes(Map.of("FilterPolicy", "{\"event\": [{\"prefix\": \"breakglass.\"}]}")));
        SnsNotifier notifier = new SnsNotifier(sns, topicArn, warnings::add);

        notifier.notify(event("request.created", "prod"));
        notifier.notify(event("breakglass.invoked", "prod"));

        List<String> types = new ArrayList<>();
        for (String body : onCall.receiveBodies()) {
            JsonNode message = JsonNode.parser()
                    .parse(JsonNode.parser()
                            .parse(body)
                            .field("Message")
                            .orElseThrow()
                            .text());
            types.add(message.field("type").orElseThrow().text());
        }
        assertThat(types).containsExactly("breakglass.invoked");
        assertThat(warnings).isEmpty();
    }

    @Test
    void aLongOrUnusualProfileStillMakesAValidSubject() {
        SnsClient sns = client(moto.endpoint());
        String topicArn = sns.createTopic(b -> b.name(unique("sentinel"))).topicArn();
        LifecycleEvent event = event("breakglass.escalated", "prod-é\n" + "x".repeat(200));

        String subject = SnsNotifier.subject(event);
        new SnsNotifier(sns, topicArn, warnings::add).notify(event);

        assertThat(subject).hasSize(SnsNotifier.MAX_SUBJECT).startsWith("Sentinel breakglass.escalated (prod-??xxx");
        assertThat(subject.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
        assertThat(warnings).isEmpty();
    }

    // --- SMS code sender ---

    @Test
    void refusesAPhoneNumberThatIsNotE164WithoutShowingIt() {
        SnsCodeSender sender = new SnsCodeSender(client(moto.endpoint()));

        assertThatThrownBy(() -> sender.send("4155550100", "Your Sentinel code is 012345"))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("******0100")
                .hasMessageNotContaining("4155550100")
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.CONFIG_INVALID);
        assertThatThrownBy(() -> sender.send("+1 415 555 0100", "code")).isInstanceOf(SentinelException.class);
        assertThat(sent).as("nothing reached SNS").isEmpty();
    }

    @Test
    void sendsATransactionalSmsThatTheEmulatorKeeps() throws IOException, InterruptedException {
        String phone = "+1415555" + String.format("%04d", (int) (Math.random() * 10_000));
        String message = "Your Sentinel code is " + RequestId.random().value();

        new SnsCodeSender(client(moto.endpoint())).send(phone, message);

        assertThat(sent).singleElement().isInstanceOfSatisfying(PublishRequest.class, publish -> {
            assertThat(publish.phoneNumber()).isEqualTo(phone);
            assertThat(publish.topicArn()).isNull();
            assertThat(publish.messageAttributes().get("AWS.SNS.SMS.SMSType").stringValue())
                    .isEqualTo("Transactional");
        });
        assertThat(smsKeptByTheEmulator()).contains(phone + " " + message);
    }

    @Test
    void anUnreachableSnsIsAnErrorForTheSenderThatHidesTheCode() {
        SnsCodeSender sender = new SnsCodeSender(client(unreachable()));

        assertThatThrownBy(() -> sender.send("+14155550100", "Your Sentinel code is 012345"))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("+*******0100")
                .hasMessageNotContaining("012345")
                .hasMessageNotContaining("4155550100")
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.AWS_UNREACHABLE);
    }

    @Test
    void masksAllButTheLastFourDigits() {
        assertThat(SnsCodeSender.mask("+14155550100")).isEqualTo("+*******0100");
        assertThat(SnsCodeSender.mask("4155550100")).isEqualTo("******0100");
        assertThat(SnsCodeSender.mask("+12")).isEqualTo("+*2");
    }

    /** moto keeps sent SMS in its SNS backend; its model view lists them as "phone message". */
    private static List<String> smsKeptByTheEmulator() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(moto.endpoint().resolve("/moto-api/data.json"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        JsonNode.parser()
                .parse(response.body())
                .field("sns")
                .flatMap(sns -> sns.field("SMS"))
                .orElseThrow(() -> new AssertionError("the emulator lists no SMS model: " + response.body()))
                .asArray()
                .forEach(sms -> out.add(sms.field("phone_number").orElseThrow().text() + " "
                        + sms.field("message").orElseThrow().text()));
        return out;
    }
}
