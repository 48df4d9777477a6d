package io.rearguard.e2e.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP proxy on a free loopback port in front of a loopback server, such as the stack's API server,
 * that a test can cut, restore, or use to drop every open connection. It forwards bytes as they
 * are, so TLS runs end to end between the client and the server.
 *
 * <p>While cut, the proxy behaves like a network partition: it accepts new connections but forwards
 * nothing and sends nothing back, and the connections that were open are closed. A client therefore
 * sees its requests time out rather than being refused.
 */
public final class ApiProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiProxy.class);
  private static final int BUFFER_BYTES = 16 * 1024;
  private static final Pattern SERVER =
      Pattern.compile(
          "^(\\s*server:\\s*https://127\\.0\\.0\\.1:)\\d+(/?)[ \\t]*$", Pattern.MULTILINE);

  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Socket> unanswered = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong forwardedBytes = new AtomicLong();
  private volatile boolean cut;
  private volatile boolean closed;

  private ApiProxy(InetSocketAddress target, ServerSocket server) {
    this.target = target;
    this.server = server;
    Thread acceptor = new Thread(this::acceptLoop, "api-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts a proxy on 127.0.0.1 with a port chosen by the system.
   *
   * @param targetPort port of the server on 127.0.0.1
   */
  public static ApiProxy start(int targetPort) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    ServerSocket server = new ServerSocket(0, 50, loopback);
    return new ApiProxy(new InetSocketAddress(loopback, targetPort), server);
  }

  /** Returns the port that clients connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /**
   * Writes a copy of a kubeconfig whose server is this proxy, for a client whose API access a test
   * cuts. The server address must be {@code https://127.0.0.1:<port>}, as e2e/up writes it.
   */
  public Path writeKubeconfig(Path source, Path copy) throws IOException {
    String text = Files.readString(source);
    Matcher server = SERVER.matcher(text);
    if (!server.find()) {
      throw new IllegalArgumentException(
          "no line 'server: https://127.0.0.1:<port>' in "
              + source
              + "; was it written by e2e/up?");
    }
    Files.writeString(copy, server.replaceAll("$1" + port() + "$2"));
    return copy;
  }

  /** Returns the connections accepted so far, including those left unanswered while cut. */
  public long acceptedConnections() {
    return accepted.get();
  }

  /** Returns the bytes forwarded so far, in both directions. */
  public long forwardedBytes() {
    return forwardedBytes.get();
  }

  /** Closes every open connection and forwards nothing until {@link #restore}. */
  public void cut() {
    cut = true;
    closeAll(open);
    LOG.info("proxy {} cut: no traffic to {} until restored", port(), target);
  }

  /** Forwards new connections again and closes the ones left unanswered while cut. */
  public void restore() {
    cut = false;
    closeAll(unanswered);
    LOG.info("proxy {} restored", port());
  }

  /** Closes every open connection, such as watches, but keeps forwarding new ones. */
  public int dropConnections() {
    int count = open.size();
    closeAll(open);
    LOG.info("proxy {} dropped {} connections", port(), count);
    return count;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("proxy {} stopped accepting: {}", port(), e.toString());
        }
        return;
      }
      accepted.incrementAndGet();
      if (cut) {
        unanswered.add(client);
        continue;
      }
      try {
        Socket upstream = new Socket();
        upstream.connect(target, 5_000);
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        LOG.warn("proxy {} could not connect to {}: {}", port(), target, e.toString());
        closeQuietly(client);
      }
    }
  }

  /** Copies bytes from one socket to the other until either side closes, then closes both. */
  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[BUFFER_BYTES];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                  if (cut) {
                    break;
                  }
                  out.write(buffer, 0, read);
                  out.flush();
                  forwardedBytes.addAndGet(read);
                }
              } catch (SocketException closedByUs) {
                // cut(), dropConnections() or the other side closed the socket.
              } catch (IOException e) {
                LOG.debug("proxy {}: connection ended: {}", port(), e.toString());
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "api-proxy-pump-" + server.getLocalPort());
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeAll(Set<Socket> sockets) {
    for (Socket socket : sockets) {
      closeQuietly(socket);
      sockets.remove(socket);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is best effort: the socket is dropped either way.
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    closeAll(open);
    closeAll(unanswered);
  }
}
