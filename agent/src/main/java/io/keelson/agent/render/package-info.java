/**
 * The render stage of a sync: manifests of a checked-out revision in, desired objects or every error
 * out. It reads files and nothing else; whether a kind is namespaced is asked through
 * {@link io.keelson.agent.render.KindScopes}, which the caller answers from API discovery.
 *
 * <p>Decisions worth knowing:
 * <ul>
 *   <li>YAML scalars resolve as YAML 1.1 (as kubectl's parser does): {@code yes}/{@code on} are
 *       booleans, {@code 0755} is octal; timestamps stay text. Merge keys ({@code <<}) are supported.
 *       Mapping keys are kept as written, since manifests are JSON objects with string keys.</li>
 *   <li>Only the standard tags {@code !!str}, {@code !!int}, {@code !!float}, {@code !!bool},
 *       {@code !!null}, {@code !!map} and {@code !!seq} are accepted; any other tag is an error.</li>
 *   <li>Aliases are bounded twice: by the number of aliases to collections per file, and by how many
 *       values they may expand to (about twice the file's length), so neither the classic billion
 *       laughs nor a doubling chain that stays under the alias count can exhaust memory.</li>
 *   <li>A file reached twice (overlapping configured paths, or a symlink inside the root) is read
 *       once, under its first name in sorted order; it is not a duplicate of itself.</li>
 *   <li>Errors name fields and keys, never values: any document may be a Secret. Parser messages are
 *       reported without the source snippet, and quoted tokens in JSON parser messages are elided.</li>
 *   <li>Secrets ({@code v1/Secret}) are checked here: {@code data} values must be base64 strings and
 *       {@code stringData} values strings, so no later stage has to report their content.</li>
 * </ul>
 */
package io.keelson.agent.render;
