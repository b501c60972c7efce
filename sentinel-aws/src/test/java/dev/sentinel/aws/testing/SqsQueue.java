package dev.sentinel.aws.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * An SQS queue in the emulator, driven with boto3 (which comes with moto) so that the project needs no
 * SQS SDK: tests subscribe it to a topic and read what the topic delivered.
 */
public final class SqsQueue {
    private static final String CLIENT = "import boto3, json, sys\n"
            + "sqs = boto3.client('sqs', endpoint_url=sys.argv[1], region_name='us-east-1',"
            + " aws_access_key_id='moto', aws_secret_access_key='moto')\n";

    private final URI endpoint;
    private final String url;
    private final String arn;

    private SqsQueue(URI endpoint, String url, String arn) {
        this.endpoint = endpoint;
        this.url = url;
        this.arn = arn;
    }

    public static SqsQueue create(URI endpoint, String name) {
        JsonNode created = run(
                CLIENT + "url = sqs.create_queue(QueueName=sys.argv[2])['QueueUrl']\n"
                        + "arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['QueueArn'])"
                        + "['Attributes']['QueueArn']\n"
                        + "print(json.dumps({'url': url, 'arn': arn}))\n",
                endpoint.toString(),
                name);
        return new SqsQueue(
                endpoint,
                created.field("url").orElseThrow().text(),
                created.field("arn").orElseThrow().text());
    }

    public String arn() {
        return arn;
    }

    /** The bodies of the messages waiting in the queue (waiting up to a second for the first). */
    public List<String> receiveBodies() {
        JsonNode bodies = run(
                CLIENT + "messages = sqs.receive_message(QueueUrl=sys.argv[2], MaxNumberOfMessages=10,"
                        + " WaitTimeSeconds=1).get('Messages', [])\n"
                        + "print(json.dumps([m['Body'] for m in messages]))\n",
                endpoint.toString(),
                url);
        List<String> out = new ArrayList<>();
        bodies.asArray().forEach(node -> out.add(node.text()));
        return out;
    }

    private static JsonNode run(String script, String... args) {
        String python = System.getProperty("sentinel.test.python", "python3");
        List<String> command = new ArrayList<>(List.of(python, "-c", script));
        command.addAll(List.of(args));
        try {
            Path errors = Files.createTempFile("boto3-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(key -> key.startsWith("AWS_"));
            env.put("AWS_CONFIG_FILE", "/dev/null");
            env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            boolean ok = process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
            String err = Files.readString(errors);
            Files.delete(errors);
            if (!ok) {
                process.destroyForcibly();
                throw new AssertionError("boto3 SQS call failed: " + err);
            }
            return JsonNode.parser().parse(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + python, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
