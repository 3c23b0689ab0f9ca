package io.keelson.agent.model;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/** An object as Git declares it (after defaulting and the release-aware render), with its origin. */
public record DesiredObject(ObjectRef ref, GenericKubernetesResource object, Origin origin) {}
