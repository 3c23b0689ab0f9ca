package io.keelson.release.api;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * How a Deployment is released: committed to Git by the service team (spec), driven by the release
 * controller (status). The schema the API server enforces is {@code crds/releasepolicies.keelson.io.yaml}.
 */
@Group(ReleasePolicy.GROUP)
@Version(ReleasePolicy.VERSION)
@Kind(ReleasePolicy.KIND)
@Plural(ReleasePolicy.PLURAL)
@Singular("releasepolicy")
@ShortNames("rp")
public class ReleasePolicy extends CustomResource<ReleasePolicySpec, ReleasePolicyStatus> implements Namespaced {

  public static final String GROUP = "keelson.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String KIND = "ReleasePolicy";
  public static final String PLURAL = "releasepolicies";
}
