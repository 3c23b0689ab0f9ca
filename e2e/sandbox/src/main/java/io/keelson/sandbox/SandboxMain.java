package io.keelson.sandbox;

import io.keelson.release.api.RouterKind;
import io.keelson.testkit.ProjectTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;

/**
 * {@code e2e/bin/sandbox}: starts the sandbox, says where everything is and what to try, and runs until
 * Ctrl-C, which stops everything it started. The config repository stays, so a restart keeps every commit.
 */
public final class SandboxMain {

  private SandboxMain() {}

  /** The command line: {@code [--router istio|gateway-api] [directory]}. */
  record Arguments(Path directory, RouterKind router) {

    static Arguments parse(String... args) {
      Path directory = null;
      RouterKind router = RouterKind.ISTIO;
      for (int i = 0; i < args.length; i++) {
        if ("--router".equals(args[i]) && i + 1 < args.length) {
          router = RouterKind.of(args[++i]);
        } else if (args[i].startsWith("--router=")) {
          router = RouterKind.of(args[i].substring("--router=".length()));
        } else if (args[i].startsWith("-") || directory != null) {
          throw new IllegalArgumentException("usage: e2e/bin/sandbox [--router istio|gateway-api] [directory]");
        } else {
          directory = Path.of(args[i]);
        }
      }
      return new Arguments(directory != null ? directory : defaultDirectory(), router);
    }
  }

  public static void main(String[] args) throws InterruptedException {
    Arguments arguments;
    try {
      arguments = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("sandbox: " + e.getMessage());
      System.exit(2);
      return;
    }
    Path directory = arguments.directory();
    long startedAt = System.nanoTime();
    // Held until Ctrl-C; the operating system releases it even after a SIGKILL.
    FileLock lock = lock(directory);
    Sandbox sandbox = Sandbox.start(SandboxOptions.interactive(directory).withRouter(arguments.router()));
    AgentSupervisor supervisor = new AgentSupervisor(sandbox, System.out::println, RestartBackoff.forAgent());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nsandbox: stopping everything it started ...");
      supervisor.close();
      sandbox.close();
      release(lock);
      System.out.println("sandbox: stopped; the repository stays in " + sandbox.repo().dir());
      stopped.countDown();
    }, "sandbox-shutdown"));
    System.out.println(banner(sandbox, (System.nanoTime() - startedAt) / 1_000_000));
    supervisor.start();
    stopped.await();
  }

  private static void release(FileLock lock) {
    try {
      lock.release();
      lock.channel().close();
    } catch (IOException e) {
      // The JVM is exiting; the operating system releases the lock anyway.
    }
  }

  static Path defaultDirectory() {
    String state = System.getenv("XDG_STATE_HOME");
    Path base = state != null && !state.isBlank() ? Path.of(state) : Path.of(System.getProperty("user.home"),
        ".local", "state");
    return base.resolve("keelson").resolve("sandbox");
  }

  /** One sandbox per directory: a second start fails at once instead of fighting over the repository. */
  private static FileLock lock(Path directory) {
    try {
      return tryLock(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + directory, e);
    }
  }

  private static FileLock tryLock(Path directory) throws IOException {
    Files.createDirectories(directory);
    FileChannel channel = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      channel.close();
      System.err.println("sandbox: another sandbox is running with " + directory
          + "; stop it (Ctrl-C) or pass another directory: e2e/bin/sandbox <dir>");
      System.exit(1);
    }
    return lock;
  }

  static String banner(Sandbox sandbox, long startMillis) {
    Path repo = sandbox.repo().dir();
    return """

        Keelson sandbox is up (started in %.1f s). Everything listens on 127.0.0.1.
        Releases route through %s.

          status page        %s
          status JSON        %s
          agent metrics      %s
          Prometheus         %s
          mesh ingress       %s   (curl -H 'Host: cart.shop' %s/)
          config repository  %s   (served at %s over smart HTTP, polled and notified on every commit)
          agent log          %s
          API token          %s   (curl -X POST -H "Authorization: Bearer $(cat <file>)" ...)
          kubeconfig         %s

        Try (the agent syncs %s, a Kustomize overlay, and policies/):
          1. Release a new cart: change its tag in the overlay's images and commit, then watch the status page step
             the weights (cart's Deployment comes from the Kustomize base; policies/cart.yaml governs it).
               cd %s
               sed -i 's#newTag: "1.4.2"#newTag: "1.5.0"#' %s/kustomization.yaml
               git commit -am "cart 1.5.0"
          2. Release a bad one: make the new version fail 30%% of its requests; it rolls back on its own.
               sed -i 's#simulator.keelson.io/error-rate: "0"#simulator.keelson.io/error-rate: "0.3"#' manifests/base/cart/deployment.yaml
               git commit -am "cart with errors"
          3. Change a chart value: checkout comes from its Helm chart with the sandbox's values; applied at once.
               sed -i 's#PAYMENT_TIMEOUT: 5s#PAYMENT_TIMEOUT: 8s#' %s/checkout-values.yaml
               git commit -am "checkout: a longer payment timeout"
          4. Change the encrypted secret (sops encrypted it for the sandbox's age key; the agent decrypts it):
               SOPS_AGE_KEY_FILE=%s %s/sops edit %s/payment-gateway.secret.yaml
               git commit -am "checkout: a new payment gateway key"
          5. Break a manifest (e.g. a bad indentation) and commit: the status shows the error, the shop keeps running.
          6. Look at the cluster:
               %s --kubeconfig %s -n shop get deploy,pods,%s,releasepolicies

        Ctrl-C stops everything; the repository stays for the next start.
        """.formatted(startMillis / 1000.0, sandbox.options().router() == RouterKind.GATEWAY_API
            ? "Gateway API HTTPRoutes (--router gateway-api)" : "Istio VirtualServices (--router istio)",
        sandbox.url("/"), sandbox.url("/api/v1/status"),
        sandbox.adminUrl("/metrics"), sandbox.prometheus().url(), sandbox.mesh().ingressUrl(),
        sandbox.mesh().ingressUrl(), repo, sandbox.gitUrl(), sandbox.agent().logFile(), sandbox.apiTokenFile(),
        sandbox.kubeconfig(),
        SandboxRepo.OVERLAY, repo, SandboxRepo.OVERLAY, SandboxRepo.OVERLAY, sandbox.repo().ageKeyFile(),
        ProjectTools.run("sops"), SandboxRepo.OVERLAY,
        sandbox.cluster().controlPlane().binaries().kubectl(), sandbox.kubeconfig(),
        sandbox.options().router() == RouterKind.GATEWAY_API ? "httproutes" : "virtualservices");
  }
}
