package io.keelson.release.api;

import io.keelson.release.model.Durations;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CRD schema's rules applied offline, so that a policy can be judged before it reaches an API server
 * (render, CLI). Keep in step with {@code crds/releasepolicies.keelson.io.yaml}.
 */
public final class ReleasePolicyValidator {

  /** Keep these two in step with the CRD's rules, which carry the same messages. */
  static final String NO_CHECKS =
      "a release needs at least one check (built-in or custom); without one it could never pass a step";
  static final String NO_TEST_GATE = "an empty list leaves the test route without a gate; name at least one check,"
      + " set testRoute.webhook, or leave checks out to run them all";

  static final String NO_MIRROR_GATE = "an empty list leaves the mirrored traffic unchecked; name at least one"
      + " check, or leave checks out to run them all";
  static final String SEQUENTIAL_ALPHA = "must be a probability above 0 and below 1, e.g. 0.01";
  static final String SEQUENTIAL_LATENCY = "must be a bucket bound of Istio's request duration histogram"
      + " (0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,"
      + " 3600000 ms): only then do the bucket counts say how many requests were slower";

  private static final Pattern URL = Pattern.compile("^https?://.+");
  /** Gateway API's duration format (GEP-2257): at most four units, each at most five digits. */
  private static final Pattern GATEWAY_API_DURATION = Pattern.compile("^([0-9]{1,5}(h|m|s|ms)){1,4}$");
  /** Gateway API's hostname: a DNS name, optionally with a leading wildcard label; no IP, no port. */
  private static final Pattern GATEWAY_API_HOSTNAME =
      Pattern.compile("^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  /** A Gateway named by a policy: {@code name} or {@code namespace/name}, each a DNS label. */
  private static final Pattern GATEWAY_REF =
      Pattern.compile("^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  /**
   * One broken rule.
   *
   * @param field the field's path, as the API server writes it (e.g. {@code spec.steps.weights[1]})
   * @param message what is wrong
   */
  public record Violation(String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  /**
   * Every rule {@code spec} breaks, in field order; empty when the policy is valid. Router-specific rules apply
   * when the policy names its router, as the CRD's rules do.
   */
  public List<Violation> validate(ReleasePolicySpec spec) {
    return validate(spec, null);
  }

  /**
   * Every rule {@code spec} breaks when a policy that names no router gets {@code defaultRouter} (null = none
   * known, as in the API server).
   */
  public List<Violation> validate(ReleasePolicySpec spec, RouterKind defaultRouter) {
    List<Violation> out = new ArrayList<>();
    if (spec == null) {
      out.add(new Violation("spec", "Required value"));
      return out;
    }
    validateTarget(spec.getTargetRef(), out);
    validateService(spec.getService(), out);
    validateTestRoute(spec, out);
    validateMirror(spec, out);
    validateSteps(spec.getSteps(), out);
    validateChecks(spec.getChecks(), out);
    validateSequential(spec.getSequential(), out);
    if (spec.getFailureThreshold() != null && spec.getFailureThreshold() < 1) {
      out.add(new Violation("spec.failureThreshold", "must be at least 1"));
    }
    duration("spec.inconclusiveBudget", spec.getInconclusiveBudget(), out);
    duration("spec.errorBudget", spec.getErrorBudget(), out);
    duration("spec.progressDeadline", spec.getProgressDeadline(), out);
    if (spec.getNotifications() != null && spec.getNotifications().webhooks() != null) {
      List<String> webhooks = spec.getNotifications().webhooks();
      for (int i = 0; i < webhooks.size(); i++) {
        url("spec.notifications.webhooks[" + i + "]", webhooks.get(i), out);
      }
    }
    if (spec.getCanaryReplicas() != null && spec.getCanaryReplicas() < 1) {
      out.add(new Violation("spec.canaryReplicas", "must be at least 1"));
    }
    RouterKind router = spec.getRouter() != null ? spec.getRouter() : defaultRouter;
    if (router == RouterKind.GATEWAY_API && spec.getService() != null) {
      validateForGatewayApi(spec.getService(), out);
    }
    return out;
  }

  /** What an HTTPRoute can carry of the service's routing (see HttpRouteDesign). */
  private static void validateForGatewayApi(ServiceSpec service, List<Violation> out) {
    String why = " (router gateway-api)";
    ServiceSpec.Retries retries = service.retries();
    if (retries != null && retries.attempts() != null) {
      out.add(new Violation("spec.service.retries.attempts", "Gateway API's standard channel has no retry policy;"
          + " remove it or use router istio" + why));
    }
    if (retries != null && retries.retryOn() != null) {
      out.add(new Violation("spec.service.retries.retryOn", "Gateway API's standard channel has no retry policy;"
          + " remove it or use router istio" + why));
    }
    String perTry = retries == null ? null : retries.perTryTimeout();
    gatewayApiDuration("spec.service.retries.perTryTimeout", perTry, out);
    gatewayApiDuration("spec.service.timeout", service.timeout(), out);
    if (perTry != null && service.timeout() != null) {
      var perTryDuration = Durations.parse(perTry);
      var timeoutDuration = Durations.parse(service.timeout());
      if (perTryDuration.isPresent() && timeoutDuration.isPresent()
          && perTryDuration.get().compareTo(timeoutDuration.get()) > 0) {
        out.add(new Violation("spec.service.retries.perTryTimeout",
            "must not exceed spec.service.timeout: an HTTPRoute's backendRequest timeout is within its request"
                + " timeout" + why));
      }
    }
    if (service.gateways() != null) {
      for (int i = 0; i < service.gateways().size(); i++) {
        String gateway = service.gateways().get(i);
        if (gateway != null && !"mesh".equals(gateway) && !GATEWAY_REF.matcher(gateway).matches()) {
          out.add(new Violation("spec.service.gateways[" + i + "]",
              "must be mesh, or a Gateway as name or namespace/name, not " + gateway + why));
        }
      }
    }
    if (service.host() != null && !service.host().endsWith(".cluster.local")
        && !GATEWAY_API_HOSTNAME.matcher(service.host()).matches()) {
      out.add(new Violation("spec.service.host", "must be a DNS name without port, not " + service.host() + why));
    }
    if (service.hosts() != null) {
      for (int i = 0; i < service.hosts().size(); i++) {
        String host = service.hosts().get(i);
        if (host == null || !GATEWAY_API_HOSTNAME.matcher(host).matches()) {
          out.add(new Violation("spec.service.hosts[" + i + "]",
              "must be a DNS name without port (a leading *. allowed), not " + host + why));
        }
      }
    }
  }

  private static void gatewayApiDuration(String field, String value, List<Violation> out) {
    if (value != null && !GATEWAY_API_DURATION.matcher(value).matches()) {
      out.add(new Violation(field, "must be a Gateway API duration (e.g. 10s, 1m30s, 500ms; at most 4 units of"
          + " at most 5 digits), not " + value + " (router gateway-api)"));
    }
  }

  private static void validateTarget(TargetRef target, List<Violation> out) {
    if (target == null) {
      out.add(new Violation("spec.targetRef", "Required value"));
    } else if (blank(target.name())) {
      out.add(new Violation("spec.targetRef.name", "Required value"));
    }
  }

  private static void validateService(ServiceSpec service, List<Violation> out) {
    if (service == null) {
      out.add(new Violation("spec.service", "Required value"));
      return;
    }
    if (blank(service.name())) {
      out.add(new Violation("spec.service.name", "Required value"));
    }
    if (service.port() == null) {
      out.add(new Violation("spec.service.port", "Required value"));
    } else if (service.port() < 1 || service.port() > 65535) {
      out.add(new Violation("spec.service.port", "must be between 1 and 65535"));
    }
    if (service.retries() != null) {
      if (service.retries().attempts() != null && service.retries().attempts() < 0) {
        out.add(new Violation("spec.service.retries.attempts", "must not be negative"));
      }
      duration("spec.service.retries.perTryTimeout", service.retries().perTryTimeout(), out);
    }
    duration("spec.service.timeout", service.timeout(), out);
  }

  private static void validateTestRoute(ReleasePolicySpec spec, List<Violation> out) {
    TestRoute route = spec.getTestRoute();
    if (route == null) {
      return;
    }
    if (blank(route.header())) {
      out.add(new Violation("spec.testRoute.header", "Required value"));
    }
    if (route.match() == null) {
      out.add(new Violation("spec.testRoute.match", "Required value"));
    } else {
      if (route.match().type() == null) {
        out.add(new Violation("spec.testRoute.match.type", "Required value: one of exact, prefix, regex"));
      }
      if (blank(route.match().value())) {
        out.add(new Violation("spec.testRoute.match.value", "Required value"));
      }
    }
    duration("spec.testRoute.duration", route.duration(), out);
    declaredChecks("spec.testRoute.checks", route.checks(), spec, out);
    if (route.webhook() != null) {
      url("spec.testRoute.webhook", route.webhook(), out);
    } else if (route.checks() != null && route.checks().isEmpty()) {
      out.add(new Violation("spec.testRoute.checks", NO_TEST_GATE));
    }
  }

  private static void validateMirror(ReleasePolicySpec spec, List<Violation> out) {
    Mirror mirror = spec.getMirror();
    if (mirror == null) {
      return;
    }
    if (mirror.percentage() == null) {
      out.add(new Violation("spec.mirror.percentage", "Required value: the share of production requests copied"
          + " to the canary, 1-100"));
    } else if (mirror.percentage() < 1 || mirror.percentage() > 100) {
      out.add(new Violation("spec.mirror.percentage", "must be between 1 and 100, not " + mirror.percentage()));
    }
    duration("spec.mirror.duration", mirror.duration(), out);
    declaredChecks("spec.mirror.checks", mirror.checks(), spec, out);
    if (mirror.checks() != null && mirror.checks().isEmpty()) {
      out.add(new Violation("spec.mirror.checks", NO_MIRROR_GATE));
    }
  }

  /** Every name of {@code names} must be a check of {@code spec.checks}. */
  private static void declaredChecks(String field, List<String> names, ReleasePolicySpec spec, List<Violation> out) {
    if (names == null) {
      return;
    }
    Set<String> declared = new HashSet<>();
    if (spec.getChecks() != null) {
      spec.getChecks().forEach(check -> declared.add(check.name()));
    }
    for (int i = 0; i < names.size(); i++) {
      if (!declared.contains(names.get(i))) {
        out.add(new Violation(field + "[" + i + "]", "names no check declared in spec.checks: " + names.get(i)));
      }
    }
  }

  private static void validateSteps(Steps steps, List<Violation> out) {
    if (steps == null) {
      out.add(new Violation("spec.steps", "Required value"));
      return;
    }
    if ((steps.weights() == null) == (steps.stepWeight() == null)) {
      out.add(new Violation("spec.steps", "exactly one of steps.weights or steps.stepWeight must be set"));
    }
    if (steps.weights() != null) {
      List<Integer> weights = steps.weights();
      if (weights.isEmpty()) {
        out.add(new Violation("spec.steps.weights", "must hold at least one weight"));
      }
      for (int i = 0; i < weights.size(); i++) {
        Integer weight = weights.get(i);
        if (weight == null || weight < 0 || weight > 100) {
          out.add(new Violation("spec.steps.weights[" + i + "]", "must be between 0 and 100"));
        } else if (i > 0 && weights.get(i - 1) != null && weight <= weights.get(i - 1)) {
          out.add(new Violation("spec.steps.weights[" + i + "]", "steps.weights must be strictly increasing"));
        }
      }
    }
    if (steps.stepWeight() != null && (steps.stepWeight() < 1 || steps.stepWeight() > 100)) {
      out.add(new Violation("spec.steps.stepWeight", "must be between 1 and 100"));
    }
    if (steps.maxWeight() != null) {
      if (steps.maxWeight() < 1 || steps.maxWeight() > 100) {
        out.add(new Violation("spec.steps.maxWeight", "must be between 1 and 100"));
      }
      if (steps.stepWeight() == null) {
        out.add(new Violation("spec.steps.maxWeight", "steps.maxWeight requires steps.stepWeight"));
      } else if (steps.stepWeight() > steps.maxWeight()) {
        out.add(new Violation("spec.steps.stepWeight", "steps.stepWeight must not exceed steps.maxWeight"));
      }
    }
    duration("spec.steps.interval", steps.interval(), out);
  }

  private static void validateChecks(List<Check> checks, List<Violation> out) {
    if (checks == null || checks.isEmpty()) {
      // Every weighted step is judged by all checks; with none it never gets a PASS and never promotes.
      out.add(new Violation("spec.checks", NO_CHECKS));
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < checks.size(); i++) {
      String at = "spec.checks[" + i + "]";
      Check check = checks.get(i);
      if (check == null) {
        out.add(new Violation(at, "Required value"));
        continue;
      }
      if (blank(check.name())) {
        out.add(new Violation(at + ".name", "Required value"));
      } else if (!names.add(check.name())) {
        out.add(new Violation(at + ".name", "Duplicate value: " + check.name()));
      }
      if (check.minRequests() != null && check.minRequests() < 0) {
        out.add(new Violation(at + ".minRequests", "must not be negative"));
      }
      int kinds = (check.errorRate() != null ? 1 : 0) + (check.latency() != null ? 1 : 0)
          + (check.comparison() != null ? 1 : 0) + (check.custom() != null ? 1 : 0);
      if (kinds != 1) {
        out.add(new Violation(at, "a check sets exactly one of errorRate, latency, comparison or custom"));
      }
      if (check.errorRate() != null) {
        ratio(at + ".errorRate.max", check.errorRate().max(), out);
      }
      if (check.latency() != null) {
        ratio(at + ".latency.quantile", check.latency().quantile(), out);
        nonNegative(at + ".latency.maxMs", check.latency().maxMs(), out);
      }
      if (check.comparison() != null) {
        Check.Comparison comparison = check.comparison();
        if (comparison.metric() == null) {
          out.add(new Violation(at + ".comparison.metric", "Required value: one of errorRate, latency"));
        }
        nonNegative(at + ".comparison.maxDegradation", comparison.maxDegradation(), out);
        if (comparison.quantile() != null || comparison.metric() == Check.ComparisonMetric.LATENCY) {
          if (comparison.quantile() == null) {
            out.add(new Violation(at + ".comparison.quantile", "a latency comparison needs a quantile"));
          } else {
            ratio(at + ".comparison.quantile", comparison.quantile(), out);
          }
        }
      }
      if (check.custom() != null) {
        if (blank(check.custom().query())) {
          out.add(new Violation(at + ".custom.query", "Required value"));
        }
        for (String unknown : Check.Custom.unknownPlaceholders(check.custom().query())) {
          out.add(new Violation(at + ".custom.query", "unknown placeholder " + unknown + "; known: "
              + Check.Custom.knownPlaceholders()));
        }
        if (check.custom().min() == null && check.custom().max() == null) {
          out.add(new Violation(at + ".custom", "a custom check needs min or max"));
        }
      }
    }
  }

  private static void validateSequential(Sequential sequential, List<Violation> out) {
    if (sequential == null) {
      return;
    }
    if (sequential.alpha() != null && !(sequential.alpha() > 0 && sequential.alpha() < 1)) {
      out.add(new Violation("spec.sequential.alpha", SEQUENTIAL_ALPHA));
    }
    duration("spec.sequential.lookInterval", sequential.lookInterval(), out);
    if (sequential.latencyMs() != null && !Sequential.LATENCY_BUCKETS_MS.contains(sequential.latencyMs())) {
      out.add(new Violation("spec.sequential.latencyMs", SEQUENTIAL_LATENCY));
    }
  }

  private static void ratio(String field, Double value, List<Violation> out) {
    if (value == null) {
      out.add(new Violation(field, "Required value"));
    } else if (!(value >= 0 && value <= 1)) {
      out.add(new Violation(field, "must be between 0 and 1"));
    }
  }

  private static void nonNegative(String field, Double value, List<Violation> out) {
    if (value == null) {
      out.add(new Violation(field, "Required value"));
    } else if (!(value >= 0)) {
      out.add(new Violation(field, "must not be negative"));
    }
  }

  private static void duration(String field, String value, List<Violation> out) {
    if (value != null && Durations.parse(value).isEmpty()) {
      out.add(new Violation(field, "must be a duration such as 30s, 5m or 1h30m, not " + value));
    }
  }

  private static void url(String field, String value, List<Violation> out) {
    if (value == null || !URL.matcher(value).matches()) {
      out.add(new Violation(field, "must be an http(s) URL"));
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
