package io.keelson.agent.git;

import java.net.SocketTimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RemoteSession;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.util.FS;

/**
 * SSH sessions set up within the timeout. JGit bounds the TCP connect by the timeout, but then waits for the
 * server's key exchange and authentication as long as sshd's own authentication timeout (two minutes): a server
 * that accepts and never speaks holds the caller that long. Past the timeout the waiting thread is interrupted,
 * which ends that wait with an error. Once a session is up, JGit's read timeouts apply.
 */
final class BoundedSshSessions extends SshSessionFactory {

  private static final ScheduledExecutorService ALARMS = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "keelson-ssh-deadline");
    thread.setDaemon(true);
    return thread;
  });

  private final SshSessionFactory sessions;

  BoundedSshSessions(SshSessionFactory sessions) {
    this.sessions = sessions;
  }

  @Override
  public String getType() {
    return sessions.getType();
  }

  @Override
  public RemoteSession getSession(URIish uri, CredentialsProvider credentials, FS fs, int timeoutMillis)
      throws TransportException {
    Thread caller = Thread.currentThread();
    AtomicBoolean expired = new AtomicBoolean();
    AtomicBoolean done = new AtomicBoolean();
    ScheduledFuture<?> alarm = ALARMS.schedule(() -> {
      synchronized (done) {
        if (!done.get()) {
          expired.set(true);
          caller.interrupt();
        }
      }
    }, timeoutMillis, TimeUnit.MILLISECONDS);
    try {
      return sessions.getSession(uri, credentials, fs, timeoutMillis);
    } catch (TransportException e) {
      if (expired.get()) {
        TransportException timedOut = new TransportException(uri,
            "no SSH session within " + timeoutMillis / 1000 + "s: the server did not complete the handshake",
            new SocketTimeoutException());
        timedOut.addSuppressed(e);
        throw timedOut;
      }
      throw e;
    } finally {
      alarm.cancel(false);
      synchronized (done) {
        done.set(true);
      }
      if (expired.get()) {
        // The interrupt was meant for the wait above only.
        Thread.interrupted();
      }
    }
  }
}
