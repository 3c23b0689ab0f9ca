package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A manual action (promote, abort, pause, resume, retry) as the release controller handled it: the audit
 * trail of who asked for what, and whether it was carried out.
 *
 * @param action PROMOTE, ABORT, PAUSE, RESUME or RETRY
 * @param by who asked (a user or token name)
 * @param at RFC 3339 time it was asked for; with {@link #action} and {@link #by} it identifies the request,
 *     so a request seen again is not carried out twice
 * @param accepted whether it was carried out
 * @param message what it did, or why it was refused
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActionRecord(String action, String by, String at, Boolean accepted, String message) {}
