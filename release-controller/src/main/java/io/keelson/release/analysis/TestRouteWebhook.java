package io.keelson.release.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.release.api.ReleaseIdentity;
import io.keelson.release.api.ServiceSpec;
import io.keelson.release.api.TestRoute;
import io.keelson.release.api.Verdict;
import io.keelson.release.deploy.ReleaseAwareRender;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * The test route's webhook gate ({@code spec.testRoute.webhook}), as Flagger's pre-rollout and load-test
 * webhooks work: while the test route is on, each analysis POSTs what is under test (policy, phase, candidate,
 * the hosts and the test header to send) and the receiver answers: 2xx passes, any other status fails with
 * the first line of its body, no answer within the timeout is an ERROR (held under the error budget, then the
 * release fails closed). Pure: the POST itself is the {@link WebhookCaller}'s.
 *
 * @param url the webhook
 * @param namespace the policy's namespace
 * @param policy the policy's name
 * @param phase the release's phase, e.g. Testing
 * @param candidate the release under test
 * @param service the routed Service
 * @param testRoute the test route, whose header reaches the canary
 */
public record TestRouteWebhook(String url, String namespace, String policy, String phase, ReleaseIdentity candidate,
    ServiceSpec service, TestRoute testRoute) {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** At most this much of the receiver's first line goes into the status. */
  private static final int FIRST_LINE = 200;

  public TestRouteWebhook {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(testRoute, "testRoute");
  }

  /** The JSON body POSTed. */
  public String payload() {
    ObjectNode node = JSON.createObjectNode();
    node.put("policy", policy);
    node.put("namespace", namespace);
    node.put("phase", phase);
    if (candidate != null) {
      node.put("candidate", candidate.templateHash());
      node.put("revision", candidate.revision());
      node.put("attempt", candidate.attempt());
    }
    node.put("host", service.hostIn(namespace));
    node.put("canaryHost", service.name() + ReleaseAwareRender.CANARY_SUFFIX + "." + namespace + ".svc.cluster.local");
    node.put("testHeader", testRoute.header());
    if (testRoute.match() != null) {
      node.put("testHeaderMatch", testRoute.match().type() == null ? null : testRoute.match().type().name()
          .toLowerCase(Locale.ROOT));
      node.put("testHeaderValue", testRoute.match().value());
    }
    return node.toString();
  }

  /** The gate's verdict on {@code answer}, as a measurement of the check {@code check} over the window. */
  public Measurement judge(String check, WebhookAnswer answer, Instant windowStart, Instant windowEnd) {
    Verdict verdict;
    String message;
    if (answer instanceof WebhookAnswer.Answered answered) {
      boolean ok = answered.status() >= 200 && answered.status() < 300;
      verdict = ok ? Verdict.PASS : Verdict.FAIL;
      message = "webhook answered " + answered.status() + (ok ? "" : firstLine(answered.body()));
    } else {
      verdict = Verdict.ERROR;
      message = "webhook unreachable: " + ((WebhookAnswer.Unanswered) answer).reason();
    }
    return new Measurement(check, "POST " + shown(url), windowStart, windowEnd, null, null, verdict, message);
  }

  /** The URL as evidence may show it: without user info or query, which may carry a token. */
  static String shown(String url) {
    try {
      URI uri = new URI(url);
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
          + (uri.getRawPath() == null ? "" : uri.getRawPath());
    } catch (URISyntaxException e) {
      return "(unreadable URL)";
    }
  }

  private static String firstLine(String body) {
    String line = body.strip().lines().findFirst().orElse("").strip();
    if (line.isEmpty()) {
      return "";
    }
    return ": " + (line.length() <= FIRST_LINE ? line : line.substring(0, FIRST_LINE) + "…");
  }
}
