/**
 * SOPS decryption for the render stage, natively: age (X25519, HKDF-SHA256, ChaCha20-Poly1305) and OpenPGP data
 * keys with Bouncy Castle, AES-256-GCM values, and the file's MAC. Pure parsing and cryptography, apart from
 * {@link io.keelson.agent.render.sops.SopsKeys#load}, which reads the key files a source names.
 *
 * <p>Decisions worth knowing:
 * <ul>
 *   <li>A file is decrypted as the {@code sops} CLI would: the additional data of a value is its path of keys
 *       joined by {@code :} (list items share their list's path), and the MAC is SHA-512 over the plaintext
 *       leaves in order. A MAC that is missing or does not match refuses the file.</li>
 *   <li>Values in a SOPS file are read with the renderer's own safe parsers (YAML 1.1 scalars, as Kubernetes),
 *       while SOPS reads YAML 1.2. For an <em>unencrypted</em> leaf written as {@code yes}/{@code no}/{@code on}/
 *       {@code off} or in base 60 the two differ and the MAC does not match; quote such values.</li>
 *   <li>Not supported, each with a clear error: Shamir key groups, comment-regex rules, and key kinds other than
 *       age X25519 and OpenPGP (cloud KMS, Vault; age plugins and post-quantum age keys).</li>
 *   <li>No message carries a value, a key or a data key: only paths of keys, file names, recipients and
 *       fingerprints.</li>
 * </ul>
 */
package io.keelson.agent.render.sops;
