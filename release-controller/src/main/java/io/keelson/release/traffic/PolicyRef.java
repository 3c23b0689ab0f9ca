package io.keelson.release.traffic;

import io.keelson.release.api.ReleasePolicy;
import io.keelson.release.api.RouterKind;
import io.keelson.release.api.ServiceSpec;
import io.keelson.release.api.TestRoute;
import java.util.Objects;

/**
 * What the traffic router needs to know about a ReleasePolicy.
 *
 * @param namespace the policy's namespace, where its Services and routing objects live
 * @param name the policy's name
 * @param uid the policy's uid, for the owner reference of the routing objects; null = no owner reference
 *     (the objects then outlive the policy unless {@link TrafficRouter#finalize(PolicyRef)} runs)
 * @param service the routed Service
 * @param testRoute the header-based test route; null when the policy has none
 * @param router the routing API the policy asks for; null = the configured default
 */
public record PolicyRef(String namespace, String name, String uid, ServiceSpec service, TestRoute testRoute,
    RouterKind router) {

  public PolicyRef {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(service.name(), "service.name");
    Objects.requireNonNull(service.port(), "service.port");
  }

  /** A reference that leaves the router to the configured default. */
  public PolicyRef(String namespace, String name, String uid, ServiceSpec service, TestRoute testRoute) {
    this(namespace, name, uid, service, testRoute, null);
  }

  /** The reference of a policy as read from the cluster (so with its uid). */
  public static PolicyRef of(ReleasePolicy policy) {
    return new PolicyRef(policy.getMetadata().getNamespace(), policy.getMetadata().getName(),
        policy.getMetadata().getUid(), policy.getSpec().getService(), policy.getSpec().getTestRoute(),
        policy.getSpec().getRouter());
  }

  /** The router this policy's traffic goes through, given the configured default. */
  public RouterKind routerOr(RouterKind fallback) {
    return router != null ? router : fallback;
  }
}
