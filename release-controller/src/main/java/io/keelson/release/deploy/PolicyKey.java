package io.keelson.release.deploy;

import java.util.Objects;

/** A ReleasePolicy's namespace and name: the key of its live status. */
public record PolicyKey(String namespace, String name) {

  public PolicyKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
