package io.keelson.testkit;

/** The namespace created for one test and deleted after it. */
public record TestNamespace(String name) {}
