package io.keelson.agent.git;

import io.keelson.agent.git.GitSourceException.Reason;
import io.keelson.agent.render.TreeIds;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The Git repository of desired state: answers "which commit is the head now" cheaply, and fetches, verifies and
 * checks out that head.
 *
 * <p>Under {@code cacheDir} it keeps a bare, shallow repository ({@code repo.git}) and the checkouts
 * ({@code checkouts/}). Each fetch checks the head out into a new directory and moves it into place only when
 * complete, so a failure never leaves a half-written tree in use. The two newest checkouts are kept: the one a
 * fetch returns stays valid until two later fetches have completed. Objects fetched earlier stay in the
 * repository, which is what lets a later fetch compare the new head with the last applied commit.
 *
 * <p>Methods are synchronized: a poller and a webhook may call them concurrently. Every network operation has
 * the configured timeout, on every transport: for connecting and for each wait on the server, so a server that
 * accepts and then stalls fails the operation with {@link Reason#TIMEOUT} ({@link GitProtocolTransport} for
 * {@code git://}, {@link BoundedSshSessions} for the SSH handshake; JGit's own read timeouts elsewhere). Every
 * failure is a {@link GitSourceException} with a {@link Reason}; messages show the URL as
 * {@link GitSourceSettings#displayUrl()} and never a credential. A fetched tree is checked before it is written
 * ({@link TreeCheckout}).
 *
 * <p>A poller calls {@link #remoteHead()} (one ls-remote round trip) and {@link #fetch(String)} only when the
 * head differs from the last applied commit; {@code fetch} always writes a new checkout.
 */
public final class GitSource implements AutoCloseable {

  private static final String LOCAL_HEAD = "refs/keelson/head";
  private static final String TMP_PREFIX = ".tmp-";
  private static final int CHECKOUTS_KEPT = 2;

  private final GitSourceSettings settings;
  private final Path repoDir;
  private final Path checkouts;
  private final Path sshHome;
  private final CredentialsProvider credentials;
  private SshdSessionFactory sshFactory;
  private Repository repository;

  public GitSource(GitSourceSettings settings, Path cacheDir) {
    this.settings = settings;
    this.repoDir = cacheDir.resolve("repo.git");
    this.checkouts = cacheDir.resolve("checkouts");
    this.sshHome = cacheDir.resolve("ssh-home");
    if (settings.auth() instanceof GitAuth.Token token) {
      this.credentials = new UsernamePasswordCredentialsProvider(GitAuth.Token.USERNAME, token.token());
    } else if (settings.auth() instanceof GitAuth.Basic basic) {
      this.credentials = new UsernamePasswordCredentialsProvider(basic.user(), basic.password());
    } else {
      this.credentials = null;
    }
    try {
      Files.createDirectories(checkouts);
      deleteLeftovers();
    } catch (IOException e) {
      throw new GitSourceException(Reason.CORRUPT, source() + "cannot prepare the cache directory " + cacheDir, e);
    }
  }

  public GitSourceSettings settings() {
    return settings;
  }

  /** The commit the configured ref points to on the remote (peeled, for an annotated tag), by ls-remote. */
  public synchronized String remoteHead() {
    String ref = settings.fullRef();
    Map<String, Ref> refs;
    try (Transport transport = open(null); FetchConnection connection = transport.openFetch(List.of(refSpec()))) {
      refs = connection.getRefsMap();
    } catch (IOException | RuntimeException e) {
      throw failure("cannot list the remote refs", e);
    }
    Ref found = refs.get(ref);
    if (found == null) {
      throw new GitSourceException(Reason.NOT_FOUND, source() + "ref " + ref + " does not exist on the remote");
    }
    ObjectId id = found.getPeeledObjectId() != null ? found.getPeeledObjectId() : found.getObjectId();
    return id.name();
  }

  /**
   * Fetches the current head of the ref (depth 1), verifies its signature per policy, checks its tree out into a
   * fresh directory and reports whether anything under the configured paths differs from {@code lastAppliedSha}.
   * A commit that is not in the local cache (never fetched, or the cache is new) counts as changed.
   */
  public synchronized FetchResult fetch(String lastAppliedSha) {
    try {
      return fetchAndCheckOut(lastAppliedSha);
    } finally {
      closeRepository();
    }
  }

  private FetchResult fetchAndCheckOut(String lastAppliedSha) {
    Repository repo = repository();
    RevCommit head;
    try {
      try (Transport transport = open(repo)) {
        transport.setDepth(1);
        transport.setTagOpt(TagOpt.NO_TAGS);
        transport.setRemoveDeletedRefs(false);
        transport.fetch(NullProgressMonitor.INSTANCE, List.of(refSpec()));
      }
      Ref local = repo.exactRef(LOCAL_HEAD);
      if (local == null) {
        throw new GitSourceException(Reason.NOT_FOUND,
            source() + "ref " + settings.fullRef() + " does not exist on the remote");
      }
      try (RevWalk walk = new RevWalk(repo)) {
        head = walk.parseCommit(local.getObjectId());
        walk.parseBody(head);
      }
    } catch (GitSourceException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      GitSourceException failure = failure("cannot fetch " + settings.fullRef(), e);
      if (failure.reason() == Reason.CORRUPT) {
        discardRepository();
      }
      throw failure;
    }
    CommitSignatures.verify(settings.verification(), repo, head);
    boolean changed = pathsChanged(repo, lastAppliedSha, head);
    Map<String, String> ids = new HashMap<>();
    Path tree = checkout(repo, head, ids);
    return new FetchResult(revision(head), tree, changed, TreeIds.of(head.getTree().name(), ids));
  }

  /**
   * The newest checkout an earlier fetch left in the cache (in this process or before a restart), checked against
   * the signature policy again, so that a source can sync while the remote cannot be reached; empty when there is
   * none or its commit is no longer in the cache. Its render is not cached (no tree ids).
   */
  public synchronized Optional<FetchResult> lastCheckout() {
    try {
      List<Path> done = finishedCheckouts();
      if (done.isEmpty()) {
        return Optional.empty();
      }
      Path newest = done.get(done.size() - 1);
      String name = newest.getFileName().toString();
      Repository repo = repository();
      try (RevWalk walk = new RevWalk(repo)) {
        RevCommit commit = walk.parseCommit(ObjectId.fromString(name.substring(name.indexOf('-') + 1)));
        walk.parseBody(commit);
        CommitSignatures.verify(settings.verification(), repo, commit);
        return Optional.of(new FetchResult(revision(commit), newest, true, TreeIds.NONE));
      }
    } catch (IOException | GitSourceException e) {
      return Optional.empty();
    } finally {
      closeRepository();
    }
  }

  @Override
  public synchronized void close() {
    closeRepository();
    if (sshFactory != null) {
      sshFactory.close();
      sshFactory = null;
    }
  }

  private RefSpec refSpec() {
    return new RefSpec("+" + settings.fullRef() + ":" + LOCAL_HEAD);
  }

  /**
   * A transport to the remote with the timeout, credentials and SSH client configured; {@code repo} is null for a
   * ref listing, which needs no local repository. {@code git://} gets a transport whose socket enforces the
   * timeout (see {@link GitProtocolTransport}).
   */
  private Transport open(Repository repo) throws IOException {
    URIish uri;
    try {
      uri = new URIish(settings.url());
    } catch (URISyntaxException e) {
      throw new NotSupportedException("not a Git URL", e);
    }
    Transport transport;
    if (GitProtocolTransport.handles(uri)) {
      transport = repo == null ? new GitProtocolTransport(uri) : new GitProtocolTransport(repo, uri);
    } else {
      transport = repo == null ? Transport.open(uri) : Transport.open(repo, uri);
    }
    transport.setTimeout(settings.timeoutSeconds());
    if (credentials != null) {
      transport.setCredentialsProvider(credentials);
    }
    if (settings.auth() instanceof GitAuth.SshKey key && transport instanceof SshTransport ssh) {
      ssh.setSshSessionFactory(new BoundedSshSessions(sshFactory(key)));
    }
    return transport;
  }

  /**
   * An SSH client that reads nothing from the home of the user running the agent: a fixed, private home and
   * configuration, the configured key as the only identity, and strict host key checking against the configured
   * known_hosts.
   */
  private SshdSessionFactory sshFactory(GitAuth.SshKey key) {
    if (sshFactory == null) {
      Path sshDir = sshHome.resolve(".ssh");
      Path config = sshDir.resolve("config");
      try {
        Files.createDirectories(sshDir);
        Files.writeString(config, String.join("\n",
            "Host *",
            "  StrictHostKeyChecking yes",
            "  IdentitiesOnly yes",
            "  PreferredAuthentications publickey",
            "  BatchMode yes",
            // With IdentitiesOnly, only IdentityFile entries are offered; the default identities are not.
            "  IdentityFile " + configValue(key.privateKey()),
            ""));
      } catch (IOException e) {
        throw new GitSourceException(Reason.CORRUPT, source() + "cannot prepare the SSH configuration", e);
      }
      sshFactory = new SshdSessionFactoryBuilder()
          .setHomeDirectory(sshHome.toFile())
          .setSshDirectory(sshDir.toFile())
          .setConfigFile(dir -> config.toFile())
          .setDefaultKnownHostsFiles(dir -> List.of(key.knownHosts()))
          .setDefaultIdentities(dir -> List.of(key.privateKey()))
          .setPreferredAuthentications("publickey")
          .build(null);
    }
    return sshFactory;
  }

  /** A path as an ssh_config value: absolute, quoted, and with {@code %} escaped from token expansion. */
  private static String configValue(Path path) {
    return "\"" + path.toAbsolutePath().toString().replace("%", "%%") + "\"";
  }

  private Repository repository() {
    if (repository == null) {
      try {
        Repository repo = new FileRepositoryBuilder().setGitDir(repoDir.toFile()).setBare().build();
        if (!repo.getObjectDatabase().exists()) {
          repo.create(true);
        }
        repository = repo;
      } catch (IOException | IllegalStateException e) {
        throw new GitSourceException(Reason.CORRUPT, source() + "cannot open the local cache repository", e);
      }
    }
    return repository;
  }

  /**
   * Closed after each fetch, not kept open until the next: an open repository holds the index of every pack it
   * has (for a repository of thousands of manifests, megabytes), and JGit's window cache its packs' bytes.
   */
  private void closeRepository() {
    if (repository != null) {
      repository.close();
      repository = null;
    }
  }

  /** Drops a damaged cache so that the next fetch starts from a fresh clone. */
  private void discardRepository() {
    closeRepository();
    deleteQuietly(repoDir);
  }

  private boolean pathsChanged(Repository repo, String lastAppliedSha, RevCommit head) {
    if (lastAppliedSha == null || !ObjectId.isId(lastAppliedSha)) {
      return true;
    }
    ObjectId previousId = ObjectId.fromString(lastAppliedSha);
    if (previousId.equals(head)) {
      return false;
    }
    try (RevWalk walk = new RevWalk(repo); TreeWalk treeWalk = new TreeWalk(repo)) {
      if (!repo.getObjectDatabase().has(previousId)) {
        return true;
      }
      RevCommit previous = walk.parseCommit(previousId);
      treeWalk.setRecursive(true);
      treeWalk.addTree(previous.getTree());
      treeWalk.addTree(head.getTree());
      List<String> paths = scopedPaths();
      treeWalk.setFilter(paths.isEmpty() ? TreeFilter.ANY_DIFF
          : AndTreeFilter.create(PathFilterGroup.createFromStrings(paths), TreeFilter.ANY_DIFF));
      return treeWalk.next();
    } catch (MissingObjectException e) {
      return true;
    } catch (IOException e) {
      throw new GitSourceException(Reason.CORRUPT,
          source() + "cannot compare commit " + head.name() + " with " + lastAppliedSha, e);
    }
  }

  /** The configured paths as tree paths; empty means the whole repository. */
  private List<String> scopedPaths() {
    List<String> result = new ArrayList<>();
    for (String path : settings.paths()) {
      String p = path.replace('\\', '/');
      while (p.startsWith("./")) {
        p = p.substring(2);
      }
      while (p.startsWith("/")) {
        p = p.substring(1);
      }
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      if (p.isEmpty() || p.equals(".")) {
        return List.of();
      }
      result.add(p);
    }
    return result;
  }

  /** Writes the commit's tree into a temporary directory, then moves it into place and drops old checkouts. */
  private Path checkout(Repository repo, RevCommit head, Map<String, String> ids) {
    Path tmp = checkouts.resolve(TMP_PREFIX + UUID.randomUUID());
    try {
      Files.createDirectories(tmp);
      TreeCheckout.verify(repo, head.getTree());
      TreeCheckout.write(repo, head.getTree(), tmp, ids);
      Path done = checkouts.resolve(String.format(Locale.ROOT, "%010d-%s", nextSequence(), head.name()));
      Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
      pruneCheckouts();
      return done;
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new GitSourceException(Reason.CORRUPT, source() + "cannot check out commit " + head.name()
          + (e instanceof TreeCheckout.UnsafeEntry ? ": " + e.getMessage() : ""), e);
    }
  }

  private long nextSequence() throws IOException {
    return finishedCheckouts().stream()
        .map(p -> p.getFileName().toString())
        .mapToLong(name -> Long.parseLong(name.substring(0, name.indexOf('-'))))
        .max().orElse(0) + 1;
  }

  private List<Path> finishedCheckouts() throws IOException {
    try (Stream<Path> entries = Files.list(checkouts)) {
      return entries.filter(p -> p.getFileName().toString().matches("\\d{10}-[0-9a-f]{40}"))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }

  private void pruneCheckouts() throws IOException {
    List<Path> done = finishedCheckouts();
    for (int i = 0; i < done.size() - CHECKOUTS_KEPT; i++) {
      deleteQuietly(done.get(i));
    }
  }

  /** Temporary checkouts left by a process that stopped in the middle of one. */
  private void deleteLeftovers() throws IOException {
    try (Stream<Path> entries = Files.list(checkouts)) {
      entries.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)).forEach(GitSource::deleteQuietly);
    }
  }

  private static void deleteQuietly(Path root) {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A directory that cannot be removed now is removed by a later prune; it is never handed out again.
    }
  }

  private static Revision revision(RevCommit commit) {
    return new Revision(commit.name(), commit.getAuthorIdent().getName() + " <"
        + commit.getAuthorIdent().getEmailAddress() + ">", commit.getShortMessage(),
        commit.getCommitterIdent().getWhenAsInstant());
  }

  private String source() {
    return "git source " + settings.name() + ": ";
  }

  /** Classifies a JGit failure. Messages name the source, URL and ref, and never a credential. */
  private GitSourceException failure(String what, Throwable e) {
    Reason reason = classify(e);
    String detail = redact(e.getMessage());
    return new GitSourceException(reason, source() + what + " from " + settings.displayUrl() + " ("
        + reason.name().toLowerCase(Locale.ROOT)
        + (reason == Reason.TIMEOUT ? " after " + settings.timeoutSeconds() + "s" : "") + ")" + (detail == null ? "" : ": " + detail), e);
  }

  /** HTTP 401/403 in a message — not the digits of a port ({@code :40137}) or of a longer number. */
  private static final java.util.regex.Pattern HTTP_DENIED = java.util.regex.Pattern.compile("(?<![\\d:])(401|403)(?!\\d)");

  static Reason classify(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
        return Reason.TIMEOUT;
      }
      if (t instanceof ConnectException || t instanceof UnknownHostException
          || t instanceof NoRouteToHostException) {
        return Reason.UNREACHABLE;
      }
      if (t instanceof NoRemoteRepositoryException || t instanceof InvalidRemoteException) {
        return Reason.NOT_FOUND;
      }
      if (t instanceof CorruptObjectException || t instanceof MissingObjectException) {
        return Reason.CORRUPT;
      }
    }
    String message = messages(e);
    if (message.contains("timeout") || message.contains("timed out")) {
      return Reason.TIMEOUT;
    }
    if (message.contains("not authorized") || message.contains("authentication") || message.contains("auth fail")
        || HTTP_DENIED.matcher(message).find() || message.contains("permission denied")
        || message.contains("host key") || message.contains("server key")) {
      return Reason.AUTH;
    }
    if (message.contains("connection refused") || message.contains("unknown host")
        || message.contains("cannot open git-upload-pack") || message.contains("connection reset")
        || message.contains("no route to host")) {
      return Reason.UNREACHABLE;
    }
    if (message.contains("not found") || message.contains("couldn't find remote ref")
        || message.contains("does not have") || message.contains("want ") && message.contains("not valid")
        || message.contains("does not appear to be a git repository") || message.contains("not exported")
        || message.contains("no such")) {
      return Reason.NOT_FOUND;
    }
    if (e instanceof TransportException || e instanceof org.eclipse.jgit.errors.TransportException) {
      return Reason.UNREACHABLE;
    }
    if (e instanceof IOException) {
      return Reason.CORRUPT;
    }
    return Reason.UNREACHABLE;
  }

  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        all.append(t.getMessage()).append('\n');
      }
    }
    return all.toString().toLowerCase(Locale.ROOT);
  }

  /** The configured secret and any user part of an HTTP(S) URL, wherever JGit quoted them, become {@code ***}. */
  private String redact(String message) {
    if (message == null) {
      return null;
    }
    String result = message;
    String userInfo = settings.httpUserInfo();
    if (!userInfo.isEmpty()) {
      // In URLs only, as written or as JGit quotes them (without the password).
      int colon = userInfo.indexOf(':');
      result = result.replace(userInfo + "@", "***@");
      result = colon > 0 ? result.replace(userInfo.substring(0, colon) + "@", "***@") : result;
    }
    String secret = null;
    if (settings.auth() instanceof GitAuth.Token token) {
      secret = token.token();
    } else if (settings.auth() instanceof GitAuth.Basic basic) {
      secret = basic.password();
    }
    if (secret != null && !secret.isEmpty()) {
      result = result.replace(secret, "***");
    }
    return result;
  }
}
